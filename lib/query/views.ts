import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { ENGINE_TYPES } from '../ddl/types.js'
import { CATALOG_KEY } from '../layout.js'
import { COLUMNS } from '../normalize/columns.js'
import { sqlString, type Sql } from './duckdb.js'

/**
 * Declares `ccc_events` over a local copy of the table (hive partitions dt and event_name
 * included) and `ccc_api_catalog` beside it.
 */
export async function createViews(sql: Sql, tableRoot: string): Promise<void> {
  const glob = path.join(tableRoot, 'dt=*', 'event_name=*', '*.parquet')
  if (hasDataFiles(tableRoot)) {
    await sql.run(`CREATE OR REPLACE VIEW ccc_events AS SELECT * FROM read_parquet(${sqlString(glob)}, hive_partitioning = true, hive_types = {'dt': DATE, 'event_name': VARCHAR}, union_by_name = true)`)
  } else {
    const columns = COLUMNS.map((c) => `NULL::${ENGINE_TYPES.duckdb[c.kind]} AS ${c.name}`).join(', ')
    await sql.run(`CREATE OR REPLACE VIEW ccc_events AS SELECT ${columns}, NULL::DATE AS dt, NULL::VARCHAR AS event_name WHERE false`)
  }
  const catalog = path.join(tableRoot, CATALOG_KEY)
  if (existsSync(catalog)) await sql.run(`CREATE OR REPLACE VIEW ccc_api_catalog AS SELECT * FROM read_parquet(${sqlString(catalog)})`)
}

function hasDataFiles(root: string): boolean {
  const days = safeList(root).filter((d) => d.startsWith('dt='))
  return days.some((day) => safeList(path.join(root, day)).some((name) => safeList(path.join(root, day, name)).some((f) => f.endsWith('.parquet'))))
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
