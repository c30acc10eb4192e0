import { DAY_MS, formatDay } from '../util/days.js'

/** Hive-style partition paths: `dt=<YYYY-MM-DD>/event_name=<escaped>/`. */

export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__'

// The characters Hive's FileUtils.escapePathName escapes, plus control characters.
const NEEDS_ESCAPE = /["#%'*/:=?\\{}[\]^\u0000-\u001f\u007f]/g

export function escapePartitionValue(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return HIVE_DEFAULT_PARTITION
  // An event literally named so must not share the missing names' folder (one would overwrite the other's file).
  if (value === HIVE_DEFAULT_PARTITION) return '%5F' + value.slice(1)
  const escaped = value.replace(NEEDS_ESCAPE, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'))
  // "." and ".." are the only segments that could still move a path; escape their dots.
  return escaped === '.' || escaped === '..' ? escaped.replace(/\./g, '%2E') : escaped
}

/**
 * Longest escaped event name, in UTF-8 bytes, that a partition folder may carry: file systems
 * refuse path segments over 255 bytes, and OSS keys over 1023. Real API names are under 64.
 */
export const MAX_EVENT_NAME_BYTES = 200

/** Whether `eventName` makes a partition folder every store accepts. Cheap for short names. */
export function eventNameFitsPath(eventName: string | null): boolean {
  // One UTF-16 unit becomes at most 3 bytes, escaped or encoded.
  if (eventName === null || eventName.length * 3 <= MAX_EVENT_NAME_BYTES) return true
  return Buffer.byteLength(escapePartitionValue(eventName)) <= MAX_EVENT_NAME_BYTES
}

export function unescapePartitionValue(escaped: string): string | null {
  if (escaped === HIVE_DEFAULT_PARTITION) return null
  return escaped.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

export function partitionPath(dt: string, eventName: string | null): string {
  return `dt=${dt}/event_name=${escapePartitionValue(eventName)}/`
}

/** `YYYY-MM-DD` of an instant in a time zone, cached per quarter hour (every zone offset is a multiple of 15 minutes). */
export function dateInZone(timeZone: string): (millis: number) => string {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return utcDate()
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
  const cache = new Map<number, string>()
  return (millis) => {
    const slot = Math.floor(millis / 900_000)
    let date = cache.get(slot)
    if (date === undefined) {
      date = format.format(new Date(slot * 900_000))
      if (cache.size > 10_000) cache.clear()
      cache.set(slot, date)
    }
    return date
  }
}

/** The UTC date, formatted once per day: events of an archive fall on one or two days. */
function utcDate(): (millis: number) => string {
  let dayStart = NaN
  let date = ''
  return (millis) => {
    if (!(millis >= dayStart && millis < dayStart + DAY_MS)) {
      dayStart = Math.floor(millis / DAY_MS) * DAY_MS
      date = formatDay(dayStart)
    }
    return date
  }
}
