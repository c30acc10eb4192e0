import { createHash } from 'node:crypto'
import { classifyApi } from '../catalog/api-category.js'
import { CCC_API_CATALOG } from '../catalog/ccc-api.js'
import type { WorkHours } from '../report/window.js'
import type { AlertRow } from './alert-row.js'
import type { CountKey, Rule, RuleFilter, Severity, SightingKind } from './rules.js'

/**
 * Rule evaluation, pure: rows in, alerts out. What it needs from beyond the rows comes in as data —
 * when each caller and address was last seen before these rows, and how many matching rows other
 * archives contributed to the hours at hand — and what the rows add to that state goes out as data.
 */
export interface Alert {
  /** Stable across reruns: rule + event ids (row rules), rule + value + first event (new), rule + key + hour (count). */
  id: string
  rule: string
  severity: Severity
  description: string
  /** What fired: the caller, the address, the error code, or "all". */
  subject: string
  /** Matching rows (for a count rule: in the hour, across archives). */
  count: number
  /** The first matching rows of these rows, at most MAX_ALERT_ROWS. */
  rows: AlertRow[]
  /** How to find every row of the alert in the table. */
  match: AlertMatch
}

/** The rule's rows in the table: those matching `filter` with `by` equal to `key` in [from, to), from one archive when `sourceObject` is set. */
export interface AlertMatch {
  filter: RuleFilter
  by: CountKey
  key: string
  from: number
  to: number
  sourceObject?: string
}

export const MAX_ALERT_ROWS = 10
export const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
const QUARTER_MS = 900_000

/** Last time (epoch ms) a value was seen, keyed by sightingKey(kind, value). */
export type Sightings = ReadonlyMap<string, number>
/** Matching rows per count rule, hour start (epoch ms) and key. */
export type HourCounts = Map<string, Map<number, Map<string, number>>>

export interface EvaluationContext {
  workHours: WorkHours
  /** Sightings before these rows (trigger: the state; window: the table's days before the window). */
  seen: Sightings
  /** Count rules: what other archives contributed to the same hours. Empty in window mode. */
  priorCounts?: HourCounts
}

export interface Evaluation {
  alerts: Alert[]
  /** The newest sighting of every caller and address in these rows. */
  sightings: Map<string, { kind: SightingKind; value: string; time: number }>
}

export function sightingKey(kind: SightingKind, value: string): string {
  return `${kind}\u0000${value}`
}

export function evaluateRules(rules: readonly Rule[], rows: readonly AlertRow[], context: EvaluationContext): Evaluation {
  const ordered = [...rows].sort((a, b) => a.time - b.time || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0))
  const matches = new RowMatcher(context.workHours)
  const alerts: Alert[] = []
  for (const rule of rules) {
    const matching = ordered.filter((row) => matches.test(rule.when, row))
    if (rule.new) alerts.push(...newValueAlerts(rule, rule.new, ordered, matching, context.seen))
    else if (rule.count) alerts.push(...countAlerts(rule, rule.count, matching, context.priorCounts?.get(rule.name)))
    else alerts.push(...rowAlerts(rule, matching))
  }
  return { alerts, sightings: sightingsOf(ordered) }
}

/** The matching rows per count rule, hour and key: what one archive adds to the hourly counts. */
export function hourCounts(rules: readonly Rule[], rows: readonly AlertRow[], workHours: WorkHours): HourCounts {
  const matches = new RowMatcher(workHours)
  const counts: HourCounts = new Map()
  for (const rule of rules) {
    if (!rule.count) continue
    const perHour = new Map<number, Map<string, number>>()
    for (const row of rows) {
      if (!matches.test(rule.when, row)) continue
      const hour = hourStart(row.time)
      const keys = perHour.get(hour) ?? new Map<string, number>()
      const key = countKey(rule.count.by, row)
      keys.set(key, (keys.get(key) ?? 0) + 1)
      perHour.set(hour, keys)
    }
    if (perHour.size > 0) counts.set(rule.name, perHour)
  }
  return counts
}

export const hourStart = (time: number): number => Math.floor(time / HOUR_MS) * HOUR_MS

/** Row rules: one alert per caller and archive, so a rerun of the same archive (trigger or window) gives the same ids. */
function rowAlerts(rule: Rule, matching: AlertRow[]): Alert[] {
  const groups = groupBy(matching, (row) => `${row.caller}\u0000${row.sourceObject}`)
  return [...groups.values()].map((group) =>
    alert(
      rule,
      group[0].caller,
      group,
      group.length,
      { ...span(rule, group, 'caller', group[0].caller), sourceObject: group[0].sourceObject },
      group.map((r) => r.eventId),
    ),
  )
}

function newValueAlerts(rule: Rule, spec: NonNullable<Rule['new']>, ordered: AlertRow[], matching: AlertRow[], seen: Sightings): Alert[] {
  const last = new Map<string, number>()
  const lastSeen = (value: string) => last.get(value) ?? seen.get(sightingKey(spec.of, value))
  const fired = new Map<string, AlertRow[]>()
  const matchingSet = new Set(matching)
  for (const row of ordered) {
    const value = sightingValue(spec.of, row)
    if (value === null) continue
    if (matchingSet.has(row)) {
      const previous = lastSeen(value)
      const rows = fired.get(value)
      if (rows) rows.push(row)
      else if (previous === undefined || previous < row.time - spec.days * DAY_MS) fired.set(value, [row])
    }
    last.set(value, Math.max(row.time, last.get(value) ?? -Infinity))
  }
  return [...fired].map(([value, rows]) => alert(rule, value, rows, rows.length, span(rule, rows, spec.of, value), [value, rows[0].eventId]))
}

function countAlerts(rule: Rule, spec: NonNullable<Rule['count']>, matching: AlertRow[], prior?: Map<number, Map<string, number>>): Alert[] {
  const groups = groupBy(matching, (row) => `${hourStart(row.time)}\u0000${countKey(spec.by, row)}`)
  const alerts: Alert[] = []
  for (const rows of groups.values()) {
    const hour = hourStart(rows[0].time)
    const key = countKey(spec.by, rows[0])
    const total = rows.length + (prior?.get(hour)?.get(key) ?? 0)
    // Fires whenever the hour is over the threshold, not only when these rows crossed it: the id
    // (rule, key, hour) makes every archive of that hour the same alert, sent once.
    if (total > spec.above)
      alerts.push(alert(rule, key, rows, total, { filter: rule.when, by: spec.by, key, from: hour, to: hour + HOUR_MS }, [key, String(hour)]))
  }
  return alerts
}

function alert(rule: Rule, subject: string, rows: AlertRow[], count: number, match: AlertMatch, identity: string[]): Alert {
  const id = createHash('sha256')
    .update([rule.name, ...identity].join('\n'))
    .digest('hex')
    .slice(0, 32)
  return { id, rule: rule.name, severity: rule.severity, description: rule.description, subject, count, rows: rows.slice(0, MAX_ALERT_ROWS), match }
}

/** Rows are in time order. */
function span(rule: Rule, rows: AlertRow[], by: CountKey, key: string): AlertMatch {
  return { filter: rule.when, by, key, from: rows[0].time, to: rows[rows.length - 1].time + 1 }
}

export function countKey(by: CountKey, row: AlertRow): string {
  switch (by) {
    case 'caller':
      return row.caller
    case 'source_address':
      return row.sourceAddress ?? '(none)'
    case 'error_code':
      return row.errorCode ?? '(none)'
    default:
      return 'all'
  }
}

function sightingValue(kind: SightingKind, row: AlertRow): string | null {
  return kind === 'caller' ? row.caller : row.sourceAddress
}

function sightingsOf(rows: readonly AlertRow[]): Evaluation['sightings'] {
  const out: Evaluation['sightings'] = new Map()
  for (const row of rows) {
    for (const kind of ['caller', 'source_address'] as const) {
      const value = sightingValue(kind, row)
      if (value === null) continue
      const key = sightingKey(kind, value)
      const known = out.get(key)
      if (!known || known.time < row.time) out.set(key, { kind, value, time: row.time })
    }
  }
  return out
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const group = groups.get(k)
    if (group) group.push(item)
    else groups.set(k, [item])
  }
  return groups
}

/** Catalog class of an API name: the catalog row when there is one, else the same naming rules the catalog uses. */
const CATALOG = new Map<string, { category?: string; sensitive: boolean }>(
  CCC_API_CATALOG.map((entry) => [entry.eventName, { category: entry.category, sensitive: entry.sensitive }]),
)

const UNCLASSIFIED = { sensitive: false }

export function apiClass(eventName: string | null): { category?: string; sensitive: boolean } {
  if (!eventName) return UNCLASSIFIED
  let known = CATALOG.get(eventName)
  if (!known) {
    known = classifyApi(eventName) ?? UNCLASSIFIED
    CATALOG.set(eventName, known)
  }
  return known
}

class RowMatcher {
  private readonly hour: Intl.DateTimeFormat
  constructor(private readonly workHours: WorkHours) {
    this.hour = new Intl.DateTimeFormat('en-GB', { timeZone: workHours.timeZone, hour: '2-digit', hourCycle: 'h23' })
  }

  test(filter: RuleFilter, row: AlertRow): boolean {
    if (filter.category || filter.sensitive !== undefined) {
      const api = apiClass(row.eventName)
      if (filter.category && !filter.category.includes(api.category as never)) return false
      if (filter.sensitive !== undefined && api.sensitive !== filter.sensitive) return false
    }
    if (filter.user_type && !filter.user_type.includes(row.userType ?? '')) return false
    if (filter.failed !== undefined && (row.errorCode !== null) !== filter.failed) return false
    if (filter.error_code && !(row.errorCode !== null && filter.error_code.some((code) => codeMatches(code, row.errorCode!)))) return false
    if (filter.outside_work_hours !== undefined && this.outside(row.time) !== filter.outside_work_hours) return false
    return true
  }

  // Local hours per quarter hour (every zone's offset is a multiple of 15 minutes): formatting a date
  // is the costly part, and the rows of an archive share few quarters.
  private readonly localHours = new Map<number, number>()

  private outside(time: number): boolean {
    const quarter = Math.floor(time / QUARTER_MS)
    let hour = this.localHours.get(quarter)
    if (hour === undefined) {
      hour = Number(this.hour.format(time))
      this.localHours.set(quarter, hour)
    }
    const { start, end } = this.workHours
    return start < end ? hour < start || hour >= end : hour < start && hour >= end
  }
}

function codeMatches(pattern: string, code: string): boolean {
  return pattern.endsWith('*') ? code.startsWith(pattern.slice(0, -1)) : code === pattern
}
