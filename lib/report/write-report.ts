import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Config } from '../config.js'
import { describeLocation } from '../location.js'
import { withDuckDb } from '../query/duckdb.js'
import { localTable } from '../query/local-table.js'
import { tableDays } from '../query/table-days.js'
import { createViews } from '../query/views.js'
import { locationOpener } from '../storage/open.js'
import { buildReport, type ReportOptions } from './build-report.js'
import { parseWorkHours, resolveWindow } from './window.js'

/**
 * The report copies its window and the period before it into a temporary table (build-report.ts): ~440 MB of
 * DuckDB memory for a month of a busy trail, growing with the window. Bounded, DuckDB spills the rest to disk:
 * a month's report peaked at ~1 GB RSS unbounded, ~0.8 GB with this (docs/performance.md, third round).
 */
export const REPORT_DUCKDB_MB = 512

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
  const spillDirectory = await mkdtemp(path.join(os.tmpdir(), 'ccc-trail-report-'))
  const report = await withDuckDb(
    async (db) =>
      buildReport(await createViews(db, table), { ...options, from: window.from, to: window.to, tableDays: known, location: describeLocation(dest.spec) }),
    { memoryLimitMb: REPORT_DUCKDB_MB, spillDirectory },
  ).finally(async () => {
    await table.release()
    await rm(spillDirectory, { recursive: true, force: true })
  })
  await writeFile(out, report.html)
  return { from: report.scope.window.from, to: report.scope.window.to }
}
