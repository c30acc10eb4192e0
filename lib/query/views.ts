import { existsSync } from 'node:fs'
import path from 'node:path'
import { ENGINE_TYPES } from '../ddl/types.js'
import { CATALOG_KEY } from '../layout.js'
import { COLUMNS } from '../schema/columns.js'
import { FsStorage } from '../storage/fs.js'
import { sqlString, type Sql } from './duckdb.js'
import { readTableSnapshot, type TableSnapshot } from './table-snapshot.js'

// Not a column of the table: the file each row comes from, while stale rows are filtered out.
const FILE_COLUMN = 'ccc_trail_file'

/**
 * Declares `ccc_events` over a local copy of the table (hive partitions dt and event_name
 * included) and `ccc_api_catalog` beside it. A compaction caught half-way is read as its compaction
 * records say (table-snapshot.ts), so no row is counted twice.
 */
export async function createViews(sql: Sql, tableRoot: string): Promise<void> {
  const snapshot = await readTableSnapshot(new FsStorage(tableRoot), '')
  const files = [...snapshot.partitions].flatMap(([folder, p]) => p.files.map((name) => path.join(tableRoot, folder, name)))
  if (files.length > 0) {
    await sql.run(`CREATE OR REPLACE VIEW ccc_events AS ${selectCurrentRows(tableRoot, snapshot, files)}`)
  } else {
    const columns = COLUMNS.map((c) => `NULL::${ENGINE_TYPES.duckdb[c.kind]} AS ${c.name}`).join(', ')
    await sql.run(`CREATE OR REPLACE VIEW ccc_events AS SELECT ${columns}, NULL::DATE AS dt, NULL::VARCHAR AS event_name WHERE false`)
  }
  const catalog = path.join(tableRoot, CATALOG_KEY)
  if (existsSync(catalog)) await sql.run(`CREATE OR REPLACE VIEW ccc_api_catalog AS SELECT * FROM read_parquet(${sqlString(catalog)})`)
}

function selectCurrentRows(tableRoot: string, snapshot: TableSnapshot, files: string[]): string {
  const stale = [...snapshot.partitions].flatMap(([folder, p]) =>
    [...p.staleSources].flatMap(([name, sources]) => [...sources].map((source) => `(${sqlString(path.join(tableRoot, folder, name))}, ${sqlString(source)})`)),
  )
  const options = "hive_partitioning = true, hive_types = {'dt': DATE, 'event_name': VARCHAR}, union_by_name = true"
  const list = `[${files.map(sqlString).join(', ')}]`
  if (stale.length === 0) return `SELECT * FROM read_parquet(${list}, ${options})`
  return `SELECT * EXCLUDE (${FILE_COLUMN}) FROM read_parquet(${list}, ${options}, filename = '${FILE_COLUMN}') AS e
    WHERE NOT EXISTS (SELECT 1 FROM (VALUES ${stale.join(', ')}) AS stale(file, source) WHERE stale.file = e.${FILE_COLUMN} AND stale.source = e.source_object)`
}
