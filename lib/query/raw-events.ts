import { rebuildEvent } from '../normalize/rebuild.js'
import { canonicalJson } from '../schema/coerce.js'
import { FIELD_COLUMNS } from '../schema/columns.js'

/** What a row must carry for its event to be rebuilt: every column that holds a field, unmapped, and the event_name partition. */
export const RAW_COLUMNS: readonly string[] = [...FIELD_COLUMNS.map((c) => c.column.name), 'unmapped', 'event_name']

/** Columns `--raw` needs that a result lacks (empty when the rows can be rebuilt). */
export function missingRawColumns(names: readonly string[]): string[] {
  const present = new Set(names)
  return RAW_COLUMNS.filter((name) => !present.has(name))
}

/** Rows of ccc_events (by column name, as DuckDB returns them) as the original events, one JSON text each. */
export function rawEventLines(rows: readonly Record<string, unknown>[]): string[] {
  return rows.map((row) => canonicalJson(rebuildEvent(row, { eventName: (row.event_name ?? null) as string | null })) as string)
}
