import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { API_CATEGORIES, type ApiCategory } from '../catalog/api-category.js'
import { ConfigError, errorMessage } from '../errors.js'

/**
 * Alert rules: which rows of the table deserve a message now. A rule filters rows (`when`) by the
 * catalog's `category` and `sensitive`, the caller's type, the error code and the local hour, and
 * then fires for each matching row (grouped per caller and archive), for a caller or address not
 * seen in the previous `new.days` days, or when more than `count.above` matching rows share a key
 * in one clock hour. Rules never list API names: the catalog decides what an API is.
 */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]

export const SIGHTING_KINDS = ['caller', 'source_address'] as const
export type SightingKind = (typeof SIGHTING_KINDS)[number]

export const COUNT_KEYS = ['caller', 'source_address', 'error_code', 'all'] as const
export type CountKey = (typeof COUNT_KEYS)[number]

export interface RuleFilter {
  /** Catalog categories (any of them). */
  category?: readonly ApiCategory[]
  /** The catalog's `sensitive` flag. */
  sensitive?: boolean
  /** userIdentity.type values, e.g. root-account. */
  user_type?: readonly string[]
  /** Error codes; a trailing `*` matches a prefix (`Forbidden*` matches `Forbidden.RAM`). */
  error_code?: readonly string[]
  /** true: only calls with an error code; false: only successful ones. */
  failed?: boolean
  /** true: only calls whose local hour is outside the configured working hours. */
  outside_work_hours?: boolean
}

export interface Rule {
  /** Lower-case letters, digits and dashes: it names state keys and alert ids. */
  name: string
  severity: Severity
  /** One line for the message; English and Chinese welcome. */
  description: string
  when: RuleFilter
  /** Fires for a value (caller or source address) not seen in any row of the previous `days` days. */
  new?: { of: SightingKind; days: number }
  /** Fires when more than `above` matching rows share the key within one clock hour. */
  count?: { by: CountKey; above: number }
}

export const DEFAULT_NEW_DAYS = 30

export const DEFAULT_RULES: readonly Rule[] = Object.freeze([
  {
    name: 'sensitive-after-hours',
    severity: 'high',
    description: 'Sensitive call outside working hours · 非工作时间的敏感操作',
    when: { sensitive: true, outside_work_hours: true },
  },
  {
    name: 'new-caller-customer-data',
    severity: 'high',
    description: `Customer data accessed by a caller not seen in ${DEFAULT_NEW_DAYS} days · 新调用者访问客户数据`,
    when: { category: ['customer_data'] },
    new: { of: 'caller', days: DEFAULT_NEW_DAYS },
  },
  {
    name: 'new-address-customer-data',
    severity: 'high',
    description: `Customer data accessed from an address not seen in ${DEFAULT_NEW_DAYS} days · 新来源地址访问客户数据`,
    when: { category: ['customer_data'] },
    new: { of: 'source_address', days: DEFAULT_NEW_DAYS },
  },
  {
    name: 'customer-data-burst',
    severity: 'high',
    description: 'More than 50 customer-data calls by one caller within an hour · 一小时内大量访问客户数据',
    when: { category: ['customer_data'] },
    count: { by: 'caller', above: 50 },
  },
  {
    name: 'root-account',
    severity: 'critical',
    description: 'Call made with the root account · 使用主账号调用',
    when: { user_type: ['root-account'] },
  },
  {
    name: 'failure-spike',
    severity: 'medium',
    description: 'More than 20 refused calls (AccessDenied/Forbidden) within an hour · 一小时内大量调用被拒绝',
    when: { error_code: ['AccessDenied*', 'Forbidden*', 'NoPermission*'] },
    count: { by: 'all', above: 20 },
  },
] satisfies Rule[])

/** Reads the rules file at `path` (YAML or JSON) or, when it starts with `{`, the JSON document given; the default set when neither. */
export function loadRules(path: string | undefined, setting = 'ALERT_RULES'): readonly Rule[] {
  if (!path) return DEFAULT_RULES
  // The document itself (JSON), for a function whose code package has no rules file.
  if (path.trimStart().startsWith('{')) return parseRules(path, setting)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ConfigError(setting, `cannot read the rules file "${path}": ${errorMessage(error)}`)
  }
  return parseRules(text, setting)
}

/**
 * Parses a rules document: `{rules: [...], include_defaults?: boolean}` in YAML (JSON is YAML too).
 * Every mistake is a ConfigError naming the rule and the field.
 */
export function parseRules(text: string, setting = 'ALERT_RULES'): readonly Rule[] {
  let doc: unknown
  try {
    doc = parseDocument(text)
  } catch (error) {
    throw new ConfigError(setting, `the rules file is not valid YAML or JSON: ${errorMessage(error)}`)
  }
  const fail = (where: string, message: string): never => {
    throw new ConfigError(setting, `${where}: ${message}`)
  }
  if (!isObject(doc)) return fail('the rules file', 'must be an object with a "rules" list')
  unknownFields(doc, ['rules', 'include_defaults'], 'the rules file', fail)
  if (!Array.isArray(doc.rules)) return fail('the rules file', 'field "rules" must be a list of rules')
  const includeDefaults = doc.include_defaults ?? false
  if (typeof includeDefaults !== 'boolean') fail('the rules file', `field "include_defaults" must be true or false, got ${show(includeDefaults)}`)
  const rules = doc.rules.map((raw, index) => parseRule(raw, index, fail))
  const all = includeDefaults ? [...DEFAULT_RULES.filter((d) => !rules.some((r) => r.name === d.name)), ...rules] : rules
  const names = new Set<string>()
  for (const rule of all) {
    if (names.has(rule.name)) fail(`rule "${rule.name}"`, 'field "name" is used by another rule')
    names.add(rule.name)
  }
  return Object.freeze(all)
}

type Fail = (where: string, message: string) => never

/** JSON as JSON; anything else through the YAML parser, loaded only then (it costs every process start a noticeable import). */
function parseDocument(text: string): unknown {
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text)
    } catch {
      // JSON-looking YAML (flow style, comments): the YAML parser reads it.
    }
  }
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml')
  return yaml.parse(text)
}

function parseRule(raw: unknown, index: number, fail: Fail): Rule {
  if (!isObject(raw)) return fail(`rule #${index + 1}`, 'must be an object with name, severity and when')
  const name = raw.name
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(name))
    fail(`rule #${index + 1}`, `field "name" must be lower-case letters, digits and dashes (at most 63), got ${show(name)}`)
  const where = `rule "${name}"`
  unknownFields(raw, ['name', 'severity', 'description', 'when', 'new', 'count'], where, fail)
  const severity = raw.severity
  if (!SEVERITIES.includes(severity as Severity)) fail(where, `field "severity" must be one of ${SEVERITIES.join(', ')}, got ${show(severity)}`)
  const description = raw.description ?? name
  if (typeof description !== 'string') fail(where, `field "description" must be text, got ${show(description)}`)
  const rule: Rule = { name: name as string, severity: severity as Severity, description: description as string, when: parseFilter(raw.when, where, fail) }
  if (raw.new !== undefined && raw.count !== undefined) fail(where, 'fields "new" and "count" cannot be used together')
  if (raw.new !== undefined) {
    if (!isObject(raw.new)) fail(where, 'field "new" must be an object {of, days}')
    const n = raw.new as Record<string, unknown>
    unknownFields(n, ['of', 'days'], where, fail, 'new.')
    if (!SIGHTING_KINDS.includes(n.of as SightingKind)) fail(where, `field "new.of" must be one of ${SIGHTING_KINDS.join(', ')}, got ${show(n.of)}`)
    rule.new = { of: n.of as SightingKind, days: positiveInteger(n.days ?? DEFAULT_NEW_DAYS, `${where}`, 'new.days', fail) }
  }
  if (raw.count !== undefined) {
    if (!isObject(raw.count)) fail(where, 'field "count" must be an object {by, above}')
    const c = raw.count as Record<string, unknown>
    unknownFields(c, ['by', 'above'], where, fail, 'count.')
    if (!COUNT_KEYS.includes(c.by as CountKey)) fail(where, `field "count.by" must be one of ${COUNT_KEYS.join(', ')}, got ${show(c.by)}`)
    rule.count = { by: c.by as CountKey, above: positiveInteger(c.above, where, 'count.above', fail) }
  }
  return rule
}

function parseFilter(raw: unknown, where: string, fail: Fail): RuleFilter {
  if (!isObject(raw)) return fail(where, 'field "when" must be an object (e.g. {category: [customer_data]})')
  unknownFields(raw, ['category', 'sensitive', 'user_type', 'error_code', 'failed', 'outside_work_hours'], where, fail, 'when.')
  if (Object.keys(raw).length === 0) fail(where, 'field "when" must hold at least one condition')
  const filter: RuleFilter = {}
  if (raw.category !== undefined) {
    const list = textList(raw.category, where, 'when.category', fail)
    for (const c of list)
      if (!API_CATEGORIES.includes(c as ApiCategory))
        fail(where, `field "when.category" must hold catalog categories (${API_CATEGORIES.join(', ')}), got ${show(c)}`)
    filter.category = list as ApiCategory[]
  }
  if (raw.user_type !== undefined) filter.user_type = textList(raw.user_type, where, 'when.user_type', fail)
  if (raw.error_code !== undefined) filter.error_code = textList(raw.error_code, where, 'when.error_code', fail)
  for (const field of ['sensitive', 'failed', 'outside_work_hours'] as const) {
    const value = raw[field]
    if (value === undefined) continue
    if (typeof value !== 'boolean') fail(where, `field "when.${field}" must be true or false, got ${show(value)}`)
    filter[field] = value as boolean
  }
  return filter
}

function textList(value: unknown, where: string, field: string, fail: Fail): string[] {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'string' || v === ''))
    fail(where, `field "${field}" must be a non-empty list of text, got ${show(value)}`)
  return list as string[]
}

function positiveInteger(value: unknown, where: string, field: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    fail(where, `field "${field}" must be a whole number of at least 1, got ${show(value)}`)
  return value as number
}

function unknownFields(object: Record<string, unknown>, known: readonly string[], where: string, fail: Fail, prefix = ''): void {
  for (const key of Object.keys(object))
    if (!known.includes(key)) fail(where, `field "${prefix}${key}" is not known (expected ${known.map((k) => prefix + k).join(', ')})`)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value)
}
