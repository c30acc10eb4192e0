import { writeFile } from 'node:fs/promises'
import type { Config } from '../config.js'
import { describeLocation } from '../location.js'
import { withDuckDb } from '../query/duckdb.js'
import { localTable } from '../query/local-table.js'
import { tableDays } from '../query/table-days.js'
import { createViews } from '../query/views.js'
import { locationOpener } from '../storage/open.js'
import { buildReport, type ReportOptions } from './build-report.js'
import { parseWorkHours, resolveWindow } from './window.js'

export type WriteReportOptions = Omit<ReportOptions, 'location' | 'tableDays'> & { cache?: string; cacheMaxMb?: number }

/**
 * Builds the report of the table at `config.dest` (a folder, or OSS mirrored locally) into the file `out`.
 * The window is resolved from the table's day folders first, so only its days (and the period before,
 * for comparisons) are listed, fetched and read.
 */
export async function writeReport(config: Config, out: string, options: WriteReportOptions = {}): Promise<{ from: string; to: string }> {
  parseWorkHours(options.workHours, options.timeZone)
  const dest = locationOpener(config.oss)(config.dest)
  const days = await tableDays(dest.storage, dest.prefix)
  const known = { oldest: days[0], newest: days.at(-1) }
  const window = resolveWindow(options.from, options.to, known, options.now)
  const bounds = { days: [{ from: window.previousFrom, to: window.to }] }
  const table = await localTable(dest, { bounds, cacheDir: options.cache, cacheMaxMb: options.cacheMaxMb, pin: true })
  const report = await withDuckDb(async (db) => {
    return buildReport(await createViews(db, table), { ...options, from: window.from, to: window.to, tableDays: known, location: describeLocation(dest.spec) })
  }).finally(() => table.release())
  await writeFile(out, report.html)
  return { from: report.scope.window.from, to: report.scope.window.to }
}
