import { ExactNumber } from '../decode/exact-number.js'
import { parseEvent } from '../decode/parse-event.js'
import { type Element, MAX_EVENT_DEPTH } from '../decode/splitter.js'
import type { QuarantineReason } from '../errors.js'
import { wellFormed } from '../schema/coerce.js'
import { COLUMNS, EVENT_TIME_INDEX, type Event, SOURCE_OBJECT_INDEX, UNMAPPED_INDEX, type Value } from '../schema/columns.js'
import { isCccEvent } from './ccc-filter.js'
import { parseEventTime } from './event-time.js'
import { camelCaseEvent, isPascalCaseEvent } from './key-case.js'
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
  if ('tooDeep' in element)
    return { kind: 'quarantine', reason: 'event_too_deep', message: `event of ${element.bytes} bytes nests deeper than ${MAX_EVENT_DEPTH} levels` }
  if (!('text' in element)) return { kind: 'quarantine', reason: 'event_too_large', message: `event of ${element.bytes} bytes exceeds MAX_EVENT_BYTES` }
  let event: unknown
  try {
    event = parseEvent(element.text, element.longNumbers)
  } catch (error) {
    return { kind: 'quarantine', reason: 'event_invalid_json', message: (error as Error).message }
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event) || event instanceof ExactNumber) {
    const what = Array.isArray(event) ? 'an array' : event === null ? 'null' : event instanceof ExactNumber ? 'number' : typeof event
    return { kind: 'quarantine', reason: 'event_not_object', message: `event is ${what}, not an object` }
  }
  return eventToRow(event as Event, sourceKey, services)
}

export function eventToRow(delivered: Event, sourceKey: string, services?: ReadonlySet<string>): Verdict {
  let event = delivered
  if (isPascalCaseEvent(delivered)) {
    const converted = camelCaseEvent(delivered)
    if (converted.kind === 'conflict') {
      const [a, b] = converted.keys
      return {
        kind: 'quarantine',
        reason: 'event_key_case_conflict',
        message: `event in the PascalCase form has both ${JSON.stringify(a)} and ${JSON.stringify(b)}`,
      }
    }
    event = converted.event
  }
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
  // The partition folder is the name as stored, so names that store alike must be one partition
  // (else the second file overwrites the first): "" , [] and a missing name are all null, and lone
  // surrogates are U+FFFD, as in the folder name.
  const name = event.eventName
  const eventName = wellFormed(typeof name === 'string' ? name : name === null || name === undefined ? '' : String(name)) || null
  return { kind: 'row', row, eventName, millis: time.millis, eventId: row[EVENT_ID] as string | null }
}
