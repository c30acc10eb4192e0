import { addDays, isDay } from '../util/days.js'

/**
 * Which partitions of `ccc_events` a statement can read, from its own predicates on `dt` and
 * `event_name`, worked out on DuckDB's parse tree (`json_serialize_sql`, lib/query/duckdb.ts).
 * Pure: no I/O. Where a reading is not certain it is "any", never narrower than what DuckDB reads.
 */

/** Days from `from` to `to`, both included; a missing end is open. */
export interface DayRange {
  from?: string
  to?: string
}

export interface PartitionBounds {
  /** Ranges of `dt` the statement can read (none: it reads no day); undefined: any day. */
  days?: DayRange[]
  /** `event_name` values it can read; undefined: any name. */
  eventNames?: string[]
}

export const TABLE = 'ccc_events'

const ANY: PartitionBounds = {}

type Node = Record<string, unknown>

/**
 * The partitions every statement of `tree` (the `statements` of json_serialize_sql's result) can read.
 * Each reference to ccc_events is bounded by the conjuncts of the WHERE clause of the SELECT whose FROM
 * holds it; the statement's bounds are the union over its references. A reference found anywhere else,
 * a CTE that shadows the name, or the name inside a string (query_table('ccc_events')) reads any partition.
 */
export function statementBounds(statements: unknown): PartitionBounds {
  if (statements === undefined) return ANY
  let referenced = 0
  let bounded = 0
  let shadowedOrHidden = false
  const perReference: PartitionBounds[] = []
  walk(statements, (node) => {
    if (isTableRef(node)) referenced++
    if (node.type === 'SELECT_NODE') {
      const refs = tableRefs(node.from_table)
      for (const ref of refs) {
        bounded++
        perReference.push(constraintOf(node.where_clause, columnMatcher(ref, refs.length)))
      }
    }
    if (mentionsTable(node)) shadowedOrHidden = true
  })
  if (shadowedOrHidden || referenced !== bounded) return {}
  return perReference.reduce<PartitionBounds>((all, one) => union(all, one), { days: [], eventNames: [] })
}

/** The intersection of two bounds: what both allow (flags and statement together). */
export function intersect(a: PartitionBounds, b: PartitionBounds): PartitionBounds {
  return {
    days: a.days && b.days ? normalizeRanges(a.days.flatMap((x) => b.days!.flatMap((y) => rangeIntersection(x, y)))) : (a.days ?? b.days),
    eventNames: a.eventNames && b.eventNames ? a.eventNames.filter((n) => b.eventNames!.includes(n)) : (a.eventNames ?? b.eventNames),
  }
}

export function union(a: PartitionBounds, b: PartitionBounds): PartitionBounds {
  return {
    days: a.days && b.days ? normalizeRanges([...a.days, ...b.days]) : undefined,
    eventNames: a.eventNames && b.eventNames ? [...new Set([...a.eventNames, ...b.eventNames])].sort() : undefined,
  }
}

export function dayInBounds(day: string, bounds: PartitionBounds): boolean {
  return !bounds.days || bounds.days.some((r) => (r.from === undefined || day >= r.from) && (r.to === undefined || day <= r.to))
}

/** `eventName` is the partition value as DuckDB reads it (unescaped; null for the default partition). */
export function nameInBounds(eventName: string | null, bounds: PartitionBounds): boolean {
  return !bounds.eventNames || (eventName !== null && bounds.eventNames.includes(eventName))
}

/** Sorted, overlapping and touching ranges merged. */
export function normalizeRanges(ranges: readonly DayRange[]): DayRange[] {
  const sorted = [...ranges].sort((a, b) => (a.from === undefined ? -1 : b.from === undefined ? 1 : a.from < b.from ? -1 : a.from > b.from ? 1 : 0))
  const merged: DayRange[] = []
  for (const range of sorted) {
    const last = merged.at(-1)
    if (last && (last.to === undefined || range.from === undefined || range.from <= addDays(last.to, 1))) {
      if (last.to !== undefined && (range.to === undefined || range.to > last.to)) last.to = range.to
    } else merged.push({ ...range })
  }
  return merged
}

function rangeIntersection(a: DayRange, b: DayRange): DayRange[] {
  const from = [a.from, b.from]
    .filter((d) => d !== undefined)
    .sort()
    .at(-1)
  const to = [a.to, b.to].filter((d) => d !== undefined).sort()[0]
  if (from !== undefined && to !== undefined && from > to) return []
  const range: DayRange = {}
  if (from !== undefined) range.from = from
  if (to !== undefined) range.to = to
  return [range]
}

/** Which columns of the SELECT belong to one reference: qualified by its alias (or name), or unqualified when it is the only one. */
type ColumnMatcher = (expr: unknown) => 'dt' | 'event_name' | undefined

function columnMatcher(ref: Node, referencesInFrom: number): ColumnMatcher {
  const qualifier = String(ref.alias || ref.table_name).toLowerCase()
  return (expr) => {
    if (!isNode(expr) || expr.class !== 'COLUMN_REF' || !Array.isArray(expr.column_names)) return undefined
    const names = (expr.column_names as unknown[]).map((n) => String(n).toLowerCase())
    const column = names.at(-1)
    if (column !== 'dt' && column !== 'event_name') return undefined
    if (names.length === 1) return referencesInFrom === 1 ? column : undefined
    return names.at(-2) === qualifier ? column : undefined
  }
}

/** What a WHERE clause allows of one reference's partitions. */
function constraintOf(expr: unknown, column: ColumnMatcher): PartitionBounds {
  if (!isNode(expr)) return ANY
  switch (expr.type) {
    case 'CONJUNCTION_AND':
      return children(expr).reduce<PartitionBounds>((all, child) => intersect(all, constraintOf(child, column)), ANY)
    case 'CONJUNCTION_OR': {
      const [first, ...rest] = children(expr).map((child) => constraintOf(child, column))
      return rest.reduce(union, first ?? ANY)
    }
    case 'COMPARE_IN': {
      const [input, ...values] = children(expr)
      const which = column(input)
      if (which === 'dt') {
        const days = values.map(dayOf)
        return days.every((d) => d !== undefined) ? { days: normalizeRanges(days.map((d) => ({ from: d, to: d }))) } : ANY
      }
      if (which === 'event_name') {
        const names = values.map(textOf)
        return names.every((n) => n !== undefined) ? { eventNames: [...new Set(names)].sort() } : ANY
      }
      return ANY
    }
    case 'COMPARE_BETWEEN': {
      if (column(expr.input) !== 'dt') return ANY
      const from = dayOf(expr.lower)
      const to = dayOf(expr.upper)
      return from && to ? { days: from > to ? [] : [{ from, to }] } : ANY
    }
    default:
      return comparison(expr, column)
  }
}

const FLIPPED: Record<string, string> = {
  COMPARE_EQUAL: 'COMPARE_EQUAL',
  COMPARE_NOT_DISTINCT_FROM: 'COMPARE_EQUAL',
  COMPARE_LESSTHAN: 'COMPARE_GREATERTHAN',
  COMPARE_GREATERTHAN: 'COMPARE_LESSTHAN',
  COMPARE_LESSTHANOREQUALTO: 'COMPARE_GREATERTHANOREQUALTO',
  COMPARE_GREATERTHANOREQUALTO: 'COMPARE_LESSTHANOREQUALTO',
}

function comparison(expr: Node, column: ColumnMatcher): PartitionBounds {
  if (expr.class !== 'COMPARISON' || !(String(expr.type) in FLIPPED)) return ANY
  let type = String(expr.type)
  let [side, value] = [expr.left, expr.right]
  if (!column(side)) {
    ;[side, value] = [expr.right, expr.left]
    type = FLIPPED[type]!
  }
  if (type === 'COMPARE_NOT_DISTINCT_FROM') type = 'COMPARE_EQUAL'
  const which = column(side)
  if (which === 'event_name') {
    const name = textOf(value)
    return type === 'COMPARE_EQUAL' && name !== undefined ? { eventNames: [name] } : ANY
  }
  const day = which === 'dt' ? dayOf(value) : undefined
  if (day === undefined) return ANY
  const ranges: Record<string, DayRange> = {
    COMPARE_EQUAL: { from: day, to: day },
    COMPARE_GREATERTHAN: { from: addDays(day, 1) },
    COMPARE_GREATERTHANOREQUALTO: { from: day },
    COMPARE_LESSTHAN: { to: addDays(day, -1) },
    COMPARE_LESSTHANOREQUALTO: { to: day },
  }
  return { days: [ranges[type]!] }
}

/** A day literal: `'2021-02-03'` (DuckDB casts it to the column's DATE) or `DATE '2021-02-03'`; nothing else is read as one. */
function dayOf(expr: unknown): string | undefined {
  if (!isNode(expr)) return undefined
  if (expr.class === 'CAST') return (expr.cast_type as Node | undefined)?.id === 'DATE' ? dayOf(expr.child) : undefined
  const text = textOf(expr)
  return text !== undefined && isDay(text) ? text : undefined
}

function textOf(expr: unknown): string | undefined {
  if (!isNode(expr)) return undefined
  if (expr.class === 'CAST') return (expr.cast_type as Node | undefined)?.id === 'VARCHAR' ? textOf(expr.child) : undefined
  if (expr.class !== 'CONSTANT') return undefined
  const value = expr.value as { type?: { id?: string }; is_null?: boolean; value?: unknown } | undefined
  return value?.type?.id === 'VARCHAR' && !value.is_null && typeof value.value === 'string' ? value.value : undefined
}

/** The references to ccc_events directly in a FROM clause, through joins; subqueries are SELECT nodes of their own. */
function tableRefs(from: unknown): Node[] {
  if (!isNode(from)) return []
  if (from.type === 'JOIN') return [...tableRefs(from.left), ...tableRefs(from.right)]
  return isTableRef(from) ? [from] : []
}

function isTableRef(node: Node): boolean {
  return node.type === 'BASE_TABLE' && typeof node.table_name === 'string' && node.table_name.toLowerCase() === TABLE
}

// Names, not text: a table's own name, an alias, `ccc_events.*`.
const NAME_FIELDS = new Set(['table_name', 'alias', 'relation_name'])

/** The table's name in any other string (a constant, a CTE's name): the statement may reach the table in a way this reading does not follow. */
function mentionsTable(node: Node): boolean {
  return Object.entries(node).some(([key, value]) => !NAME_FIELDS.has(key) && typeof value === 'string' && value.toLowerCase().includes(TABLE))
}

function children(expr: Node): unknown[] {
  return Array.isArray(expr.children) ? expr.children : []
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Visits every object of the tree. */
function walk(value: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(value)) for (const item of value) walk(item, visit)
  else if (isNode(value)) {
    visit(value)
    for (const child of Object.values(value)) walk(child, visit)
  }
}
