/** A seedable PRNG (mulberry32) so demo corpora are reproducible byte for byte. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  weighted<T>(table: WeightedTable<T>): T
  chance(probability: number): boolean
  /** `length` hex digits, lowercase unless `upper`. */
  hex(length: number, upper?: boolean): string
  /** `length` decimal digits, the first one non-zero. */
  digits(length: number): string
}

/** Cumulative weights, built once and reused for every draw. */
export interface WeightedTable<T> {
  readonly items: readonly T[]
  readonly cumulative: readonly number[]
  readonly total: number
}

export function weightedTable<T>(entries: readonly (readonly [T, number])[]): WeightedTable<T> {
  let total = 0
  const cumulative = entries.map(([, weight]) => (total += weight))
  if (!(total > 0)) throw new Error('weightedTable needs a positive total weight')
  return { items: entries.map(([item]) => item), cumulative, total }
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (table) => drawWeighted(table, next()),
    chance: (probability) => next() < probability,
    hex: (length, upper = false) => randomHex(next, length, upper ? HEX_UPPER : HEX_LOWER),
    digits: (length) => String(int(1, 9)) + randomDigits(next, length - 1),
  }
}

function drawWeighted<T>(table: WeightedTable<T>, u: number): T {
  const target = u * table.total
  const { cumulative, items } = table
  for (let i = 0; i < cumulative.length; i++) if (target < cumulative[i]) return items[i]
  return items[items.length - 1]
}

// Byte-to-hex tables: uuid-heavy corpora spend most rng time formatting hex.
const HEX_LOWER = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
const HEX_UPPER = HEX_LOWER.map((pair) => pair.toUpperCase())

function randomHex(next: () => number, length: number, table: readonly string[]): string {
  let out = ''
  while (out.length < length) {
    const v = (next() * 4294967296) >>> 0
    out += table[v >>> 24] + table[(v >>> 16) & 255] + table[(v >>> 8) & 255] + table[v & 255]
  }
  return out.length === length ? out : out.slice(0, length)
}

function randomDigits(next: () => number, length: number): string {
  let out = ''
  while (out.length < length) out += String(Math.floor(next() * 1e9)).padStart(9, '0')
  return out.slice(0, length)
}
