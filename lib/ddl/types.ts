import type { ColumnKind } from '../normalize/columns.js'

export type Engine = 'duckdb' | 'trino' | 'spark' | 'hive' | 'maxcompute'

/** Each engine's type for each column kind; the DDL and the empty-table view use these. */
export const ENGINE_TYPES: Record<Engine, Record<ColumnKind, string>> = {
  duckdb: { string: 'VARCHAR', json: 'VARCHAR', timestamp: 'TIMESTAMP WITH TIME ZONE', int32: 'INTEGER', boolean: 'BOOLEAN' },
  trino: { string: 'varchar', json: 'varchar', timestamp: 'timestamp(3) with time zone', int32: 'integer', boolean: 'boolean' },
  spark: { string: 'STRING', json: 'STRING', timestamp: 'TIMESTAMP', int32: 'INT', boolean: 'BOOLEAN' },
  hive: { string: 'STRING', json: 'STRING', timestamp: 'TIMESTAMP', int32: 'INT', boolean: 'BOOLEAN' },
  maxcompute: { string: 'STRING', json: 'STRING', timestamp: 'TIMESTAMP', int32: 'INT', boolean: 'BOOLEAN' },
}
