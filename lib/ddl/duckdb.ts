import { folderUri, quoted } from './sql-text.js'
import type { TableSpec } from './tables.js'
import { ENGINE_TYPES, PARTITION_TYPES } from './types.js'

/**
 * DuckDB: a view over read_parquet. Partitions are found by the glob at query time (nothing to
 * register); the casts declare the table's types, so a file of another shape fails loudly.
 */
export function duckdbView(table: TableSpec, location: string): string {
  const folder = folderUri(location) + table.folder
  const columns = [
    ...table.columns.map((c) => `CAST(${c.name} AS ${ENGINE_TYPES.duckdb[c.kind]}) AS ${c.name}`),
    ...table.partitions.map((name) => `CAST(${name} AS ${PARTITION_TYPES.duckdb[name as 'dt' | 'event_name']}) AS ${name}`),
  ]
  const source = table.partitions.length
    ? `read_parquet(${quoted(folder + table.partitions.map((p) => `${p}=*`).join('/') + '/*.parquet')}, hive_partitioning = true, hive_types = {${table.partitions.map((p) => `${quoted(p)}: ${PARTITION_TYPES.duckdb[p as 'dt' | 'event_name']}`).join(', ')}}, union_by_name = true)`
    : `read_parquet(${quoted(folder + '*.parquet')})`
  return [
    `CREATE OR REPLACE VIEW ${table.name} AS`,
    `SELECT`,
    columns.map((c, i) => `  ${c}${i < columns.length - 1 ? ',' : ''}`).join('\n'),
    `FROM ${source};`,
  ].join('\n')
}
