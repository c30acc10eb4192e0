const ISO_UTC = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/

export type EventTime = { ok: true; millis: number } | { ok: false; reason: 'event_time_missing' | 'event_time_invalid' }

// Events of an archive come in time order, many in the same second: remember the last text parsed.
let lastText: string | undefined
let lastTime: EventTime = { ok: false, reason: 'event_time_missing' }

/** eventTime as epoch millis. ISO-8601 with a zone (ActionTrail writes `...Z`), or epoch seconds/millis. */
export function parseEventTime(value: unknown): EventTime {
  if (typeof value === 'string' && value === lastText) return lastTime
  const time = parse(value)
  if (typeof value === 'string') [lastText, lastTime] = [value, time]
  return time
}

function parse(value: unknown): EventTime {
  if (value === null || value === undefined || value === '') return { ok: false, reason: 'event_time_missing' }
  let millis = NaN
  if (typeof value === 'string' && ISO_UTC.test(value)) millis = Date.parse(value.replace(' ', 'T'))
  else if (typeof value === 'number' && Number.isFinite(value)) millis = value > 1e11 ? Math.trunc(value) : Math.trunc(value * 1000)
  if (!Number.isFinite(millis) || millis < 0 || millis > 32503680000000) return { ok: false, reason: 'event_time_invalid' }
  return { ok: true, millis }
}
