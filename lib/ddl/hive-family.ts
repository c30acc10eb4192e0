import { columnLines, folderUri, quoted } from './sql-text.js'
import type { TableSpec } from './tables.js'
import { ENGINE_TYPES, PARTITION_TYPES } from './types.js'

type HiveEngine = 'hive' | 'spark' | 'maxcompute'

/** Hive: an external table over the folder; partitions listed separately; MSCK registers the folders. */
export function hiveTable(table: TableSpec, location: string): string {
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${table.name} (`,
    columnLines(dataColumns('hive', table)),
    `)`,
    `COMMENT ${quoted(table.description)}`,
    ...partitionClause('hive', table),
    `STORED AS PARQUET`,
    `LOCATION ${quoted(folderUri(location) + table.folder)};`,
    ...(table.partitions.length ? [`MSCK REPAIR TABLE ${table.name};`] : []),
  ].join('\n')
}

/** Spark SQL data source table: partition columns are part of the column list (last) and named in PARTITIONED BY. */
export function sparkTable(table: TableSpec, location: string): string {
  const partitions = table.partitions.map((name) => [name, PARTITION_TYPES.spark[name as 'dt' | 'event_name']])
  return [
    `CREATE TABLE IF NOT EXISTS ${table.name} (`,
    columnLines([...dataColumns('spark', table), ...partitions]),
    `)`,
    `USING PARQUET`,
    ...(table.partitions.length ? [`PARTITIONED BY (${table.partitions.join(', ')})`] : []),
    `LOCATION ${quoted(folderUri(location) + table.folder)}`,
    `COMMENT ${quoted(table.description)};`,
    ...(table.partitions.length ? [`MSCK REPAIR TABLE ${table.name};`] : []),
  ].join('\n')
}

/**
 * MaxCompute OSS external table. LOCATION names the OSS endpoint: oss://<endpoint>/<bucket>/<folder>/.
 * MSCK ... ADD PARTITIONS loads every existing partition once; afterwards add new days one by one.
 */
export function maxComputeTable(table: TableSpec, location: string): string {
  const partitioned = table.partitions.length > 0
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${table.name} (`,
    columnLines(dataColumns('maxcompute', table)),
    `)`,
    `COMMENT ${quoted(table.description)}`,
    ...partitionClause('maxcompute', table),
    `STORED AS PARQUET`,
    `LOCATION ${quoted(folderUri(location) + table.folder)};`,
    ...(partitioned
      ? [
          `MSCK REPAIR TABLE ${table.name} ADD PARTITIONS;`,
          `-- Later days, one partition at a time (cheaper than a full MSCK over many partitions):`,
          `-- ALTER TABLE ${table.name} ADD IF NOT EXISTS PARTITION (dt = '2021-02-03', event_name = 'ListConfig');`,
        ]
      : []),
  ].join('\n')
}

function dataColumns(engine: HiveEngine, table: TableSpec): string[][] {
  return table.columns.map((c) => [c.name, ENGINE_TYPES[engine][c.kind], 'COMMENT', quoted(c.description)])
}

function partitionClause(engine: HiveEngine, table: TableSpec): string[] {
  if (table.partitions.length === 0) return []
  return [`PARTITIONED BY (${table.partitions.map((name) => `${name} ${PARTITION_TYPES[engine][name as 'dt' | 'event_name']}`).join(', ')})`]
}
