import { WindowError } from '../errors.js'
import { addDays, DAY_MS, isDay, isTimeZone, parseDay } from '../util/days.js'

/** The days a report covers, the period before them, and what counts as working hours. */
export interface ReportWindow {
  /** First and last `dt` of the window, inclusive (YYYY-MM-DD). */
  from: string
  to: string
  /** The same number of days just before `from`, for "new since" comparisons. */
  previousFrom: string
  previousTo: string
  days: number
}

export interface WorkHours {
  /** Hours of the local clock, 0-24; working time is [start, end), wrapping midnight when start > end. */
  start: number
  end: number
  timeZone: string
}

export const DEFAULT_DAYS = 7
export const DEFAULT_WORK_HOURS = '09-18'
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

/** The first and last `dt` in the table, when it has any. */
export interface TableDays {
  oldest?: string
  newest?: string
}

/**
 * Resolves --from/--to against the days in the table: both given, as given; one given, seven days
 * from or up to it; none, the last seven days present (ending at the newest `dt`, starting no
 * earlier than the oldest; today's week when the table is empty).
 */
export function resolveWindow(from: string | undefined, to: string | undefined, table: TableDays = {}, today: Date = new Date()): ReportWindow {
  for (const [flag, value] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (value !== undefined && !isDay(value)) throw new WindowError(`${flag} must be a date YYYY-MM-DD, got "${value}"`)
  }
  const end = to ?? (from ? addDays(from, DEFAULT_DAYS - 1) : (table.newest ?? today.toISOString().slice(0, 10)))
  const weekBefore = addDays(end, -(DEFAULT_DAYS - 1))
  const start = from ?? (!to && table.oldest && table.oldest > weekBefore ? table.oldest : weekBefore)
  if (start > end) throw new WindowError(`--from ${start} is after --to ${end}`)
  const days = Math.round((parseDay(end)! - parseDay(start)!) / DAY_MS) + 1
  return { from: start, to: end, previousFrom: addDays(start, -days), previousTo: addDays(start, -1), days }
}

/** Every day of the window, in order. */
export function windowDays(window: ReportWindow): string[] {
  return Array.from({ length: window.days }, (_, i) => addDays(window.from, i))
}

/** Parses `09-18` (or `9-18`, `22-06` for a night shift) and checks the time zone is one the runtime knows. */
export function parseWorkHours(text: string = DEFAULT_WORK_HOURS, timeZone: string = DEFAULT_TIME_ZONE): WorkHours {
  const match = /^(\d{1,2})-(\d{1,2})$/.exec(text.trim())
  const start = Number(match?.[1])
  const end = Number(match?.[2])
  if (!match || start > 23 || end > 24 || start === end)
    throw new WindowError(`--work-hours must look like 09-18 (start and end hour, 0-24, different), got "${text}"`)
  if (!isTimeZone(timeZone)) throw new WindowError(`--time-zone must be an IANA time zone such as Asia/Shanghai, got "${timeZone}"`)
  return { start, end, timeZone }
}

export function describeWorkHours(hours: WorkHours): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(hours.start)}:00–${two(hours.end)}:00 ${hours.timeZone}`
}
