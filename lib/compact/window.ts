import { WindowError } from '../errors.js'
import { addDays, dateInZone, isDay } from '../util/days.js'
import type { DateSelection } from './partitions.js'

/** Partitions younger than this many days may still receive late archives; they are left alone by default. */
export const MIN_AGE_DAYS = 2

export interface WindowRequest {
  date?: string
  before?: string
  since?: string
  /** Without `since`: how many days before `before` to look at (the timer's default bounds its listing). */
  lookbackDays?: number
}

/**
 * The dt range to compact. `date` alone, or [since, before); `before` defaults to the day MIN_AGE_DAYS - 1
 * days ago in the partition time zone, so only days at least MIN_AGE_DAYS old are touched.
 * Throws a WindowError naming the bad field.
 */
export function compactionWindow(request: WindowRequest, timeZone: string, now = Date.now()): DateSelection {
  for (const field of ['date', 'before', 'since'] as const) {
    const value = request[field]
    if (value !== undefined && !isDay(value)) throw new WindowError(`${field} must be a day YYYY-MM-DD, got ${JSON.stringify(value)}`)
  }
  if (request.date !== undefined) {
    if (request.before !== undefined || request.since !== undefined) throw new WindowError('give either date or before/since, not both')
    return { date: request.date }
  }
  const today = dateInZone(timeZone)(now)
  const before = request.before ?? addDays(today, -(MIN_AGE_DAYS - 1))
  const since = request.since ?? (request.lookbackDays !== undefined ? addDays(before, -request.lookbackDays) : undefined)
  return { before, since }
}

/**
 * The days a roll-up takes: those the default compaction window leaves alone because archives still
 * arrive for them (younger than MIN_AGE_DAYS), today included. `date` picks one of them, or any day.
 */
export function rollUpWindow(timeZone: string, now = Date.now(), date?: string): DateSelection {
  if (date !== undefined) {
    if (!isDay(date)) throw new WindowError(`date must be a day YYYY-MM-DD, got ${JSON.stringify(date)}`)
    return { date }
  }
  const today = dateInZone(timeZone)(now)
  return { since: addDays(today, -(MIN_AGE_DAYS - 1)), before: addDays(today, 1) }
}
