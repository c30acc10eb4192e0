import { parseExactJson } from '../decode/exact-json.js'
import { type ColumnKind, type Event, FIELD_COLUMNS } from '../schema/columns.js'
import { eventTimeText } from '../schema/exact.js'

/** A row of ccc_events by column name, as an engine returns it (event_time as a Date, epoch millis or text). */
export type RowRecord = Record<string, unknown>

/** The partition values of the row's folder (event_name as the engine reads it back: unescaped, NULL for the default). */
export interface PartitionValues {
  eventName: string | null
}

/**
 * The ActionTrail event a row came from: `unmapped`, plus every field a column holds, plus eventName
 * from the partition. Equal to the original up to the documented coercions ("1" -> 1 for eventVersion,
 * "true"/"false" -> boolean, a numeric id -> exact text, errorCode "" -> missing, a column's fallback
 * path -> its main path, the PascalCase export form -> camelCase, key order).
 * A field present in `unmapped` wins over its column: it is there because the column could not hold it.
 */
export function rebuildEvent(row: RowRecord, partition: PartitionValues): Event {
  const event = typeof row.unmapped === 'string' ? (parseExactJson(row.unmapped) as Event) : {}
  for (const { column, path } of FIELD_COLUMNS) {
    const value = row[column.name]
    if (value !== null && value !== undefined) putIfAbsent(event, path, restore(column.kind, value))
  }
  if (partition.eventName !== null) putIfAbsent(event, ['eventName'], partition.eventName)
  return event
}

function restore(kind: ColumnKind, value: unknown): unknown {
  switch (kind) {
    case 'json':
      // The exact parser: a JSON column keeps integer literals beyond 2^53 digit for digit.
      return parseExactJson(String(value))
    case 'timestamp':
      return eventTimeText(epochMillis(value))
    case 'int32':
      return Number(value)
    default:
      return value
  }
}

/**
 * DuckDB's JS values are Dates; its JSON rows print `2021-02-03 04:10:08.123+00`; the Parquet reader
 * gives millis; engines without a zone (Trino's timestamp(3)) print UTC wall-clock time.
 */
function epochMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  let text = String(value)
    .replace(' ', 'T')
    .replace(/([+-]\d\d)$/, '$1:00')
  if (!/(Z|[+-]\d\d:\d\d)$/.test(text)) text += 'Z'
  const millis = Date.parse(text)
  if (Number.isNaN(millis)) throw new RangeError(`event_time ${JSON.stringify(value)} is not a time`)
  return millis
}

function putIfAbsent(event: Event, path: readonly string[], value: unknown): void {
  let object: Record<string, unknown> = event
  for (const key of path.slice(0, -1)) {
    const next = Object.hasOwn(object, key) ? object[key] : (object[key] = {})
    if (next === null || typeof next !== 'object' || Array.isArray(next)) return
    object = next as Record<string, unknown>
  }
  const leaf = path[path.length - 1]
  if (!Object.hasOwn(object, leaf)) object[leaf] = value
}
