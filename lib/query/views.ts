import { ENGINE_TYPES } from '../ddl/types.js'
import { COLUMN_NAMES, COLUMNS } from '../schema/columns.js'
import { FsStorage } from '../storage/fs.js'
import { retryingSql, type Sql, SqlError, sqlString } from './duckdb.js'
import { type LocalTable, localTable } from './local-table.js'

// Not a column of the table: the file each row comes from, while stale rows are filtered out.
const FILE_COLUMN = 'ccc_trail_file'

/**
 * Declares `ccc_events` over the files of a table as one query reads it (local-table.ts: only the
 * partitions in play, a compaction caught half-way read as its records say), hive partitions dt and
 * event_name included, and `ccc_api_catalog` beside it. Given a folder, reads the whole table there.
 *
 * The columns are the column table's, bound from one file's footer, not from every file's: files written
 * before the last four columns existed are rare (releases before them), and reading every footer to find
 * them cost a query over a month as much as its scan. DuckDB refuses a file lacking a column a statement
 * reads; then (and when the file it binds from is such a file) the view is declared again with
 * `union_by_name`, which reads every footer and gives those rows NULL there, and the statement runs again.
 * Run statements through the returned `Sql` for that; `sql` itself reads the first declaration.
 * `columns: 'unified'` declares with `union_by_name` from the start.
 */
export async function createViews(sql: Sql, table: LocalTable | string, columns: 'declared' | 'unified' = 'declared'): Promise<Sql> {
  const read =
    typeof table === 'string' ? await localTable({ storage: new FsStorage(table), prefix: '', spec: { kind: 'fs', root: table, prefix: '' } }) : table
  const declare = async (how: 'declared' | 'unified') => {
    // Binding by name reads every file's footer; the scan then reuses them instead of reading them again (DuckDB
    // checks each file's modification time first). Declared, each footer is read once: the cache would only cost
    // (~0.3 CPU-s on a compacted month, most of it freeing the cache when DuckDB closes).
    if (how === 'unified') await sql.run('SET parquet_metadata_cache = true')
    await sql.run(`CREATE OR REPLACE VIEW ccc_events AS ${selectCurrentRows(read, how)}`)
  }
  let reader = sql
  if (read.files.length === 0) {
    const empty = COLUMNS.map((c) => `NULL::${ENGINE_TYPES.duckdb[c.kind]} AS ${c.name}`).join(', ')
    await sql.run(`CREATE OR REPLACE VIEW ccc_events AS SELECT ${empty}, NULL::DATE AS dt, NULL::VARCHAR AS event_name WHERE false`)
  } else if (columns === 'unified') {
    await declare('unified')
  } else {
    try {
      await declare('declared')
      reader = unifyingOnMismatch(sql, () => declare('unified'))
    } catch (error) {
      // The file the view is bound from lacks one of the columns.
      if (!(error instanceof SqlError)) throw error
      await declare('unified')
    }
  }
  if (read.catalog) await sql.run(`CREATE OR REPLACE VIEW ccc_api_catalog AS SELECT * FROM read_parquet(${sqlString(read.catalog)})`)
  return reader
}

/** DuckDB's error for a file lacking a column the file the view was bound from has. */
const SCHEMA_MISMATCH = /schema mismatch in glob/

/** `sql`, except that a statement failing on a file of an older schema runs again once `unify` has redeclared the view. */
function unifyingOnMismatch(sql: Sql, unify: () => Promise<void>): Sql {
  let unified: Promise<void> | undefined
  return retryingSql(
    () => sql,
    async (error) => {
      if (!(error instanceof SqlError && SCHEMA_MISMATCH.test(error.message))) return false
      unified ??= unify()
      await unified
      return true
    },
  )
}

/** The view's columns when declared: the column table's, then the hive partitions. */
const DECLARED_COLUMNS = [...COLUMN_NAMES, 'dt', 'event_name']

/**
 * `declared`: the column table's columns, bound from the first file (every other file must hold them);
 * `unified`: whatever columns the files hold, by name (every footer read), as files of older schemas need.
 * Rows of a stale source are dropped, except those of an event the file's run kept for other archives too
 * (`restored`): such a row shows under one of them. Stale pairs and restored events are unique per file.
 */
function selectCurrentRows({ files, stale, restored }: Pick<LocalTable, 'files' | 'stale' | 'restored'>, columns: 'declared' | 'unified'): string {
  const options = `hive_partitioning = true, hive_types = {'dt': DATE, 'event_name': VARCHAR}, union_by_name = ${columns === 'unified'}`
  const list = `[${files.map(sqlString).join(', ')}]`
  if (stale.length === 0) return `SELECT ${columns === 'declared' ? DECLARED_COLUMNS.join(', ') : '*'} FROM read_parquet(${list}, ${options})`
  const sourceObject = restored.length > 0 ? 'CASE WHEN stale.file IS NULL THEN e.source_object ELSE restored.as_source END' : 'e.source_object'
  const select =
    columns === 'declared'
      ? DECLARED_COLUMNS.map((name) => (name === 'source_object' ? `${sourceObject} AS source_object` : `e.${name}`)).join(', ')
      : `e.* EXCLUDE (${FILE_COLUMN}) REPLACE (${sourceObject} AS source_object)`
  const joins = [
    `LEFT JOIN ${values(
      'stale(file, source)',
      stale.map(({ file, source }) => [file, source]),
    )} ON stale.file = e.${FILE_COLUMN} AND stale.source = e.source_object`,
  ]
  if (restored.length > 0)
    joins.push(
      `LEFT JOIN ${values(
        'restored(file, event_id, as_source)',
        restored.map(({ file, eventId, as }) => [file, eventId, as]),
      )} ON restored.file = e.${FILE_COLUMN} AND restored.event_id = e.event_id`,
    )
  return `SELECT ${select} FROM read_parquet(${list}, ${options}, filename = '${FILE_COLUMN}') AS e
    ${joins.join('\n    ')}
    WHERE stale.file IS NULL${restored.length > 0 ? ' OR restored.file IS NOT NULL' : ''}`
}

/** `(VALUES ('a', 'b'), …) AS name(columns)` of text rows. */
function values(name: string, rows: string[][]): string {
  return `(VALUES ${rows.map((row) => `(${row.map(sqlString).join(', ')})`).join(', ')}) AS ${name}`
}
