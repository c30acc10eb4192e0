import { ENGINE_TYPES } from '../ddl/types.js'
import { COLUMNS } from '../schema/columns.js'
import { FsStorage } from '../storage/fs.js'
import { type Sql, sqlString } from './duckdb.js'
import { type LocalTable, localTable } from './local-table.js'

// Not a column of the table: the file each row comes from, while stale rows are filtered out.
const FILE_COLUMN = 'ccc_trail_file'

/**
 * Declares `ccc_events` over the files of a table as one query reads it (local-table.ts: only the
 * partitions in play, a compaction caught half-way read as its records say), hive partitions dt and
 * event_name included, and `ccc_api_catalog` beside it. Given a folder, reads the whole table there.
 */
export async function createViews(sql: Sql, table: LocalTable | string): Promise<void> {
  const read =
    typeof table === 'string' ? await localTable({ storage: new FsStorage(table), prefix: '', spec: { kind: 'fs', root: table, prefix: '' } }) : table
  if (read.files.length > 0) {
    await sql.run(`CREATE OR REPLACE VIEW ccc_events AS ${selectCurrentRows(read)}`)
  } else {
    const columns = COLUMNS.map((c) => `NULL::${ENGINE_TYPES.duckdb[c.kind]} AS ${c.name}`).join(', ')
    await sql.run(`CREATE OR REPLACE VIEW ccc_events AS SELECT ${columns}, NULL::DATE AS dt, NULL::VARCHAR AS event_name WHERE false`)
  }
  if (read.catalog) await sql.run(`CREATE OR REPLACE VIEW ccc_api_catalog AS SELECT * FROM read_parquet(${sqlString(read.catalog)})`)
}

function selectCurrentRows({ files, stale }: Pick<LocalTable, 'files' | 'stale'>): string {
  const options = "hive_partitioning = true, hive_types = {'dt': DATE, 'event_name': VARCHAR}, union_by_name = true"
  const list = `[${files.map(sqlString).join(', ')}]`
  if (stale.length === 0) return `SELECT * FROM read_parquet(${list}, ${options})`
  const pairs = stale.map(({ file, source }) => `(${sqlString(file)}, ${sqlString(source)})`)
  return `SELECT * EXCLUDE (${FILE_COLUMN}) FROM read_parquet(${list}, ${options}, filename = '${FILE_COLUMN}') AS e
    WHERE NOT EXISTS (SELECT 1 FROM (VALUES ${pairs.join(', ')}) AS stale(file, source) WHERE stale.file = e.${FILE_COLUMN} AND stale.source = e.source_object)`
}
