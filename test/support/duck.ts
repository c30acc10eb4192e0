import { withDuckDb } from '../../lib/query/duckdb.js'
import type { LocalTable } from '../../lib/query/local-table.js'
import { createViews } from '../../lib/query/views.js'

/** Runs SQL over the table in `root` (a folder, or a table as one query reads it) with DuckDB, as an analyst would. */
export function queryTable(root: string | LocalTable, sql: string): Promise<Record<string, unknown>[]> {
  return withDuckDb(async (db) => {
    await createViews(db, root)
    return db.rows(sql)
  })
}
