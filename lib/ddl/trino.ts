import { columnLines, folderUri, quoted } from './sql-text.js'
import type { TableSpec } from './tables.js'
import { ENGINE_TYPES, PARTITION_TYPES } from './types.js'

/**
 * Trino Hive connector: partition columns come last in the column list and are named in `partitioned_by`;
 * sync_partition_metadata registers the partition folders (FULL: adds new ones, drops vanished ones).
 */
export function trinoTable(table: TableSpec, location: string): string {
  const columns = [
    ...table.columns.map((c) => [c.name, ENGINE_TYPES.trino[c.kind], 'COMMENT', quoted(c.description)]),
    ...table.partitions.map((name) => [name, PARTITION_TYPES.trino[name as 'dt' | 'event_name']]),
  ]
  const properties = [`external_location = ${quoted(folderUri(location) + table.folder)}`, `format = 'PARQUET'`]
  if (table.partitions.length) properties.push(`partitioned_by = ARRAY[${table.partitions.map(quoted).join(', ')}]`)
  return [
    `CREATE TABLE IF NOT EXISTS ${table.name} (`,
    columnLines(columns),
    `)`,
    `COMMENT ${quoted(table.description)}`,
    `WITH (`,
    properties.map((p) => `  ${p}`).join(',\n'),
    `);`,
    ...(table.partitions.length ? [syncPartitions(table.name)] : []),
  ].join('\n')
}

function syncPartitions(name: string): string {
  const parts = name.split('.')
  const table = parts.pop()!
  const schema = parts.pop() ?? 'default'
  const procedure = parts.length ? `${parts[0]}.system.sync_partition_metadata` : 'system.sync_partition_metadata'
  return `CALL ${procedure}(schema_name => ${quoted(schema)}, table_name => ${quoted(table)}, mode => 'FULL');`
}
