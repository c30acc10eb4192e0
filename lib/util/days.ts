/** Calendar days as `YYYY-MM-DD` text, counted in UTC. */

export const DAY_MS = 86_400_000

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** Milliseconds of midnight UTC, or undefined when `text` is not a real calendar day (2021-02-31 is not). */
export function parseDay(text: string): number | undefined {
  const match = DAY.exec(text)
  if (!match) return undefined
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  return formatDay(time) === text ? time : undefined
}

export function isDay(text: string): boolean {
  return parseDay(text) !== undefined
}

/** The UTC day of an instant. */
export function formatDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10)
}

/** `day` moved by `days` (negative: back). `day` must be a real day. */
export function addDays(day: string, days: number): string {
  const time = parseDay(day)
  if (time === undefined) throw new TypeError(`not a day YYYY-MM-DD: ${JSON.stringify(day)}`)
  return formatDay(time + days * DAY_MS)
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

/**
 * Whether the runtime knows the IANA time zone `zone`. UTC and Asia/Shanghai (the defaults) are known
 * without asking: the first `Intl.DateTimeFormat` given a zone loads ICU's zone data, 20-30 ms that every
 * CLI command paid at start-up just to check its defaults.
 */
export function isTimeZone(zone: string): boolean {
  if (ZONES_EVERY_RUNTIME_KNOWS.has(zone)) return true
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

const ZONES_EVERY_RUNTIME_KNOWS = new Set(['UTC', 'Asia/Shanghai'])
