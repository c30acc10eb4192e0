import { withDuckDb } from '../../lib/query/duckdb.js'
import { createViews } from '../../lib/query/views.js'

/** Runs SQL over the table in `root` (a folder) with DuckDB, as an analyst would. */
export function queryTable(root: string, sql: string): Promise<Record<string, unknown>[]> {
  return withDuckDb(async (db) => {
    await createViews(db, root)
    return db.rows(sql)
  })
}
