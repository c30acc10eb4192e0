import { WindowError } from '../errors.js'
import { addDays, DAY_MS, formatDay, parseDay } from '../util/days.js'

/**
 * A backfill window: an inclusive range of UTC delivery-folder dates (`YYYY/MM/DD/` under each
 * region). Events of day D may sit in D+1's folder (late delivery), so a window selects archives by
 * where ActionTrail put them, not by the time of their events.
 */
export interface DayWindow {
  /** `YYYY-MM-DD`, inclusive. */
  from: string
  /** `YYYY-MM-DD`, inclusive. */
  to: string
}

/** Yesterday and today (UTC): the catch-up window for anything a trigger missed. */
export function defaultWindow(now: Date): DayWindow {
  const today = formatDay(now.getTime())
  return { from: addDays(today, -1), to: today }
}

/**
 * Fills in and checks a requested window. A missing `from` is yesterday (or `to` when only `to` is
 * given); a missing `to` is today.
 */
export function resolveWindow(requested: { from?: string; to?: string }, now: Date, maxDays = Infinity): DayWindow {
  const fallback = defaultWindow(now)
  const to = requested.to ?? fallback.to
  const from = requested.from ?? (requested.to !== undefined ? requested.to : fallback.from)
  const start = checkedDay(from, 'from')
  const end = checkedDay(to, 'to')
  if (start > end) throw new WindowError(`from (${from}) is after to (${to})`)
  const days = (end - start) / DAY_MS + 1
  if (days > maxDays) throw new WindowError(`the window ${from}..${to} spans ${days} days; at most ${maxDays} are allowed in one request`)
  return { from, to }
}

export function daysOf(window: DayWindow): string[] {
  const days: string[] = []
  for (let time = checkedDay(window.from, 'from'); time <= checkedDay(window.to, 'to'); time += DAY_MS) days.push(formatDay(time))
  return days
}

function checkedDay(text: string, field: string): number {
  const time = parseDay(text)
  if (time === undefined) throw new WindowError(`${field} must be a date YYYY-MM-DD, got ${JSON.stringify(text)}`)
  return time
}
