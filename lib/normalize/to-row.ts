import type { Element } from '../decode/splitter.js'
import type { QuarantineReason } from '../errors.js'
import { isCccEvent } from './ccc-filter.js'
import { COLUMNS, EVENT_TIME_INDEX, SOURCE_OBJECT_INDEX, UNMAPPED_INDEX, type Event, type Value } from './columns.js'
import { parseEventTime } from './event-time.js'
import { unmappedOf } from './unmapped.js'

export type Verdict =
  | { kind: 'row'; row: Value[]; eventName: string | null; millis: number; eventId: string | null }
  | { kind: 'not_ccc' }
  | { kind: 'quarantine'; reason: QuarantineReason; message: string }

const EXTRACTORS = COLUMNS.map((c) => c.extract)
const EVENT_ID = COLUMNS.findIndex((c) => c.name === 'event_id')

/** One archive element to a table row, a non-CCC skip, or a quarantine reason. Pure. */
export function elementToRow(element: Element, sourceKey: string, services?: ReadonlySet<string>): Verdict {
  if ('notCcc' in element) return { kind: 'not_ccc' }
  if (!('text' in element)) return { kind: 'quarantine', reason: 'event_too_large', message: `event of ${element.bytes} bytes exceeds MAX_EVENT_BYTES` }
  let event: unknown
  try {
    event = JSON.parse(element.text)
  } catch (error) {
    return { kind: 'quarantine', reason: 'event_invalid_json', message: (error as Error).message }
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return { kind: 'quarantine', reason: 'event_not_object', message: `event is ${Array.isArray(event) ? 'an array' : event === null ? 'null' : typeof event}, not an object` }
  }
  return eventToRow(event as Event, sourceKey, services)
}

export function eventToRow(event: Event, sourceKey: string, services?: ReadonlySet<string>): Verdict {
  if (!isCccEvent(event, services)) return { kind: 'not_ccc' }
  const time = parseEventTime(event.eventTime)
  if (!time.ok) {
    const message = time.reason === 'event_time_missing' ? 'event has no eventTime' : `eventTime ${JSON.stringify(event.eventTime)} is not an ISO-8601 time`
    return { kind: 'quarantine', reason: time.reason, message }
  }
  const row = new Array<Value>(EXTRACTORS.length)
  for (let i = 0; i < EXTRACTORS.length; i++) row[i] = EXTRACTORS[i](event)
  row[EVENT_TIME_INDEX] = time.millis
  row[SOURCE_OBJECT_INDEX] = sourceKey
  row[UNMAPPED_INDEX] = unmappedOf(event, row)
  const name = event.eventName
  // An empty name and a missing one both land in __HIVE_DEFAULT_PARTITION__: one partition, one file.
  const eventName = typeof name === 'string' ? name || null : name === null || name === undefined ? null : String(name)
  return { kind: 'row', row, eventName, millis: time.millis, eventId: row[EVENT_ID] as string | null }
}
