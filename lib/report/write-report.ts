import { writeFile } from 'node:fs/promises'
import type { Config } from '../config.js'
import { describeLocation } from '../location.js'
import { withDuckDb } from '../query/duckdb.js'
import { localTable } from '../query/local-table.js'
import { createViews } from '../query/views.js'
import { locationOpener } from '../storage/open.js'
import { buildReport, type ReportOptions } from './build-report.js'

export type WriteReportOptions = Omit<ReportOptions, 'location'> & { cache?: string }

/** Builds the report of the table at `config.dest` (a folder, or OSS mirrored locally) into the file `out`. */
export async function writeReport(config: Config, out: string, options: WriteReportOptions = {}): Promise<{ from: string; to: string }> {
  const dest = locationOpener(config.oss)(config.dest)
  const root = await localTable(dest, options.cache)
  const report = await withDuckDb(async (db) => {
    await createViews(db, root)
    return buildReport(db, { ...options, location: describeLocation(dest.spec) })
  })
  await writeFile(out, report.html)
  return { from: report.scope.window.from, to: report.scope.window.to }
}
