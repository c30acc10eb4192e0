import { existsSync } from 'node:fs'
import { UsageError } from '../errors.js'
import { describeLocation } from '../location.js'
import type { Location } from '../storage/open.js'
import { retryingSql, type Sql, SqlError } from './duckdb.js'
import { type LocalTable, localTable } from './local-table.js'
import { intersect, type PartitionBounds, statementBounds } from './partition-bounds.js'
import { daysInBounds } from './table-days.js'
import { createViews } from './views.js'

export interface StatementTableOptions {
  /** Explicit bounds (`--from`, `--to`, `--event-name`): they win over the statement's. */
  flags?: PartitionBounds
  cacheDir?: string
  cacheMaxMb?: number
  /** Where the note about an unbounded statement on OSS goes. */
  note?: (line: string) => void
}

/**
 * Declares the views `sql` runs against in `db`, over only the partitions it can read: the statement is
 * parsed first (a SqlError before anything is listed or fetched), bounded by its own predicates on dt and
 * event_name and by the flags, then those partitions are listed, fetched (OSS) or read in place (folder; see pinnedOnVanish) and
 * declared. Run the statement through the result's `sql` (views.ts), and call `release` once it has run.
 */
export async function viewsForStatement(db: Sql, dest: Location, sql: string, options: StatementTableOptions = {}): Promise<LocalTable & { sql: Sql }> {
  const flags = options.flags ?? {}
  const bounds = intersect(statementBounds(await db.parse(sql)), flags)
  if (flags.days && (await daysInBounds(dest.storage, dest.prefix, flags)).length === 0) {
    const [{ from, to }] = flags.days as [{ from?: string; to?: string }]
    throw new UsageError(`${describeLocation(dest.spec)} has no day (dt) ${from && to ? `from ${from} to ${to}` : from ? `from ${from} on` : `up to ${to}`}`)
  }
  if (!bounds.days && dest.spec.kind === 'oss') options.note?.(unboundedNote(bounds.eventNames !== undefined))
  const read = (pin: boolean) => localTable(dest, { bounds, cacheDir: options.cacheDir, cacheMaxMb: options.cacheMaxMb, pin })
  const table = await read(false)
  const views = await createViews(db, table)
  if (dest.spec.kind !== 'fs') return { ...table, sql: views }
  return pinnedOnVanish(db, table, views, () => read(true))
}

/**
 * A folder query reads the files it planned in place: linking them (pinned-files.ts) so that a compaction
 * cannot delete them mid-query cost a month's query a third of its time (1,006 links made and removed), for
 * a race that is rare (compaction deletes its inputs within milliseconds, daily and hourly). When a
 * statement fails and a planned file is gone, the table is planned again through links, and the statement
 * runs again: the answer is the same as if it had been pinned from the start.
 */
function pinnedOnVanish(db: Sql, first: LocalTable, firstSql: Sql, pinned: () => Promise<LocalTable>): LocalTable & { sql: Sql } {
  let current = { table: first, sql: firstSql }
  let replanned: Promise<void> | undefined
  const sql = retryingSql(
    () => current.sql,
    async (error, failed) => {
      // Only the first plan is read in place; a statement of a pinned plan fails for its own reasons.
      if (error instanceof SqlError || failed !== firstSql) return false
      replanned ??= first.files.every((file) => existsSync(file))
        ? undefined
        : (async () => {
            const table = await pinned()
            current = { table, sql: await createViews(db, table) }
          })()
      if (!replanned) return false
      await replanned
      return true
    },
  )
  return { ...first, sql, release: () => current.table.release() }
}

/** On OSS only: there, reading every partition means fetching every partition first. */
function unboundedNote(namesBounded: boolean): string {
  const what = namesBounded ? 'every day of its event names' : 'every partition'
  const flags = namesBounded ? '--from D --to D' : '--from D --to D or --event-name N'
  return `the SQL does not bound dt, so ${what} of the table is mirrored; ${flags} (or WHERE dt = ... on ccc_events) would bound it`
}
