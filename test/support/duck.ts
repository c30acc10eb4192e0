import { afterAll } from 'vitest'
import { openDuckDb, type Sql } from '../../lib/query/duckdb.js'
import type { LocalTable } from '../../lib/query/local-table.js'
import { createViews } from '../../lib/query/views.js'

let shared: Promise<Sql & { close(): void }> | undefined
let turn: Promise<unknown> = Promise.resolve()
afterAll(async () => {
  if (shared) (await shared).close()
  shared = undefined
})

async function open(): Promise<Sql & { close(): void }> {
  const db = await openDuckDb()
  // Tables are rewritten between queries under the same paths; read the files each time.
  await db.run('SET enable_external_file_cache = false')
  // These tables are small: a second thread only adds hand-offs (about half again the CPU per query), and
  // the test files already run side by side.
  await db.run('SET threads = 1')
  return db
}

/**
 * Runs SQL over the table in `root` (a folder, or a table as one query reads it) with DuckDB, as an analyst would. One DuckDB serves a
 * test file (opening one costs more than most of these queries); queries take turns, since each
 * declares the views over its own root.
 */
export function queryTable(root: string | LocalTable, sql: string): Promise<Record<string, unknown>[]> {
  const result = turn.then(async () => {
    shared ??= open()
    const db = await shared
    await db.run('DROP VIEW IF EXISTS ccc_events; DROP VIEW IF EXISTS ccc_api_catalog')
    return (await createViews(db, root)).rows(sql)
  })
  turn = result.catch(() => undefined)
  return result
}
