import { ExactNumber } from '../decode/exact-number.js'

/** Loose-typed event values to column values. Never trust the type a field arrives with. */

export function asString(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Number.isFinite(value) ? numberText(value) : null
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (value instanceof ExactNumber) return value.text
  return jsonText(value)
}

/** Identifiers that arrive as numbers stay exact text: 1059804828509, never "1.059804828509e12" or "...509.0". */
function numberText(value: number): string {
  return Number.isInteger(value) ? BigInt(value).toString() : String(value)
}

const SURROGATE = /[\ud800-\udfff]/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** Lone surrogates as U+FFFD, as any UTF-8 writer stores them, so two names that store alike are alike here too. */
export function wellFormed(text: string): string {
  return SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\ufffd') : text
}

/** Like asString, but "" (ActionTrail's "no error") becomes null. */
export function asNonEmptyString(value: unknown): string | null {
  const text = asString(value)
  return text === '' ? null : text
}

const INTEGER = /^\s*-?\d+\s*$/

export function asInt32(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' && INTEGER.test(value) ? Number(value) : NaN
  return Number.isInteger(number) && number >= -2147483648 && number <= 2147483647 ? number : null
}

export function asBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase()
    if (text === 'true') return true
    if (text === 'false') return false
  }
  if (value === 1 || value === 0) return value === 1
  return null
}

/**
 * JSON text with object keys sorted at every level, so equal values compare equal as text.
 * ExactNumbers are written as their original digits.
 */
export function canonicalJson(value: unknown): string | null {
  if (value === null || value === undefined) return null
  // A document whose keys already arrive in order needs no sorted copy: its text is the same.
  if (inCanonicalOrder(value)) return JSON.stringify(value)
  sawExactNumber = false
  const sorted = sortKeys(value)
  return sawExactNumber ? jsonText(sorted) : JSON.stringify(sorted)
}

/**
 * Whether JSON.stringify(value) already equals JSON.stringify(sortKeys(value)): every object's keys
 * ascending. Keys starting with a digit may be array indices, which objects enumerate first in
 * numeric order whatever the insertion order: they take the sorting path, so the output stays exactly
 * what it always was. So does an ExactNumber, which JSON.stringify cannot write.
 */
function inCanonicalOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true
  if (Array.isArray(value)) {
    for (const item of value) if (!inCanonicalOrder(item)) return false
    return true
  }
  if (value instanceof ExactNumber) return false
  let previous = ''
  for (const key in value) {
    const first = key.charCodeAt(0)
    if ((first >= 0x30 && first <= 0x39) || key <= previous) return false
    if (!inCanonicalOrder((value as Record<string, unknown>)[key])) return false
    previous = key
  }
  return true
}

/** Set by sortKeys, so that only values holding an ExactNumber take the slower writer. */
let sawExactNumber = false

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  if (value instanceof ExactNumber) {
    sawExactNumber = true
    return value
  }
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) setOwn(sorted, key, sortKeys((value as Record<string, unknown>)[key]))
  return sorted
}

/** Sets a field; a plain assignment of "__proto__" would set the prototype instead (and lose the field). */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
  else object[key] = value
}

export function field(object: unknown, name: string): unknown {
  return object !== null && typeof object === 'object' ? (object as Record<string, unknown>)[name] : undefined
}

/** JSON.stringify of a parsed event value, except that an ExactNumber is written as its own text. */
function jsonText(value: unknown): string {
  if (value instanceof ExactNumber) return value.text
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : jsonText(item))).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const members: string[] = []
    for (const [key, item] of Object.entries(value)) if (item !== undefined) members.push(`${JSON.stringify(key)}:${jsonText(item)}`)
    return `{${members.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
