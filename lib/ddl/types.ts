import type { ColumnKind } from '../schema/columns.js'

export type Engine = 'duckdb' | 'trino' | 'spark' | 'hive' | 'maxcompute'

export const ENGINES: readonly Engine[] = ['duckdb', 'trino', 'spark', 'hive', 'maxcompute']

export function isEngine(name: string): name is Engine {
  return (ENGINES as readonly string[]).includes(name)
}

/**
 * Each engine's type for each column kind; the DDL and the empty-table view use these. Trino's Hive
 * connector accepts only `timestamp`/`timestamp(3)` for table columns (no `with time zone`).
 */
export const ENGINE_TYPES: Record<Engine, Record<ColumnKind, string>> = {
  duckdb: { string: 'VARCHAR', json: 'VARCHAR', timestamp: 'TIMESTAMP WITH TIME ZONE', int32: 'INTEGER', boolean: 'BOOLEAN' },
  trino: { string: 'varchar', json: 'varchar', timestamp: 'timestamp(3)', int32: 'integer', boolean: 'boolean' },
  spark: { string: 'STRING', json: 'STRING', timestamp: 'TIMESTAMP', int32: 'INT', boolean: 'BOOLEAN' },
  hive: { string: 'STRING', json: 'STRING', timestamp: 'TIMESTAMP', int32: 'INT', boolean: 'BOOLEAN' },
  maxcompute: { string: 'STRING', json: 'STRING', timestamp: 'TIMESTAMP', int32: 'INT', boolean: 'BOOLEAN' },
}

/**
 * Types of the partition columns. dt is text in the Hive family (MaxCompute partitions cannot be DATE,
 * and a string keeps every engine's partition pruning on `dt = '2021-02-03'`); DuckDB reads it as DATE.
 */
export const PARTITION_TYPES: Record<Engine, { dt: string; event_name: string }> = {
  duckdb: { dt: 'DATE', event_name: 'VARCHAR' },
  trino: { dt: 'varchar', event_name: 'varchar' },
  spark: { dt: 'STRING', event_name: 'STRING' },
  hive: { dt: 'STRING', event_name: 'STRING' },
  maxcompute: { dt: 'STRING', event_name: 'STRING' },
}
