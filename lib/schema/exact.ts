import type { ColumnKind, Value } from './columns.js'

/**
 * Whether a column holds an event field exactly: rebuilding the field from the column gives the
 * original back, up to the documented coercions ("1" -> 1 for eventVersion, "true"/"false" ->
 * boolean, a numeric id -> exact text, errorCode "" -> NULL, key order). A field a column does not
 * hold exactly stays in `unmapped`. `raw` is the field as parsed, `value` what the column got from it.
 */
export type Holds = (raw: unknown, value: Value) => boolean

// Text the Parquet writer would encode lossily (a lone surrogate becomes U+FFFD) is not held.
const wellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed()

const holdsText: Holds = (raw, value) => typeof raw === 'string' && raw === value && wellFormed(raw)

/** "1" -> 1 is a documented coercion; "01", " 1", 1.5, "v2" are not held. */
const holdsInt32: Holds = (raw, value) =>
  value !== null && (typeof raw === 'number' ? raw === value && !Object.is(raw, -0) : typeof raw === 'string' && String(value) === raw)

const holdsBoolean: Holds = (raw) => typeof raw === 'boolean' || raw === 'true' || raw === 'false'

/** Canonical JSON keeps every value except a JSON null, which would read back as a missing field. */
const holdsJson: Holds = (_raw, value) => value !== null

let lastTimeText: unknown
let lastTimeHeld = false

/** eventTime is held when the column's millis print back as the same text (`...:08Z` or `...:08.123Z`). */
const holdsEventTime: Holds = (raw, value) => {
  if (raw === lastTimeText) return lastTimeHeld
  lastTimeText = raw
  lastTimeHeld = typeof raw === 'string' && typeof value === 'number' && eventTimeText(value) === raw
  return lastTimeHeld
}

export const HOLDS_BY_KIND: Record<ColumnKind, Holds> = {
  string: holdsText,
  json: holdsJson,
  timestamp: holdsEventTime,
  int32: holdsInt32,
  boolean: holdsBoolean,
}

/** Identifiers: text as is, or a whole number as its exact digits (a float, 1.5 or 1e21, is not an id). */
export const holdsIdentifier: Holds = (raw, value) =>
  holdsText(raw, value) || (typeof raw === 'number' && Number.isSafeInteger(raw) && !Object.is(raw, -0)) || typeof raw === 'bigint'

/** errorCode "" (ActionTrail's "no error") reads back as a missing errorCode: a documented coercion. */
export const holdsErrorCode: Holds = (raw, value) => raw === '' || holdsText(raw, value)

/** The ISO-8601 text ActionTrail writes for an instant: seconds, milliseconds only when there are some. */
export function eventTimeText(millis: number): string {
  const iso = new Date(millis).toISOString()
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso
}
