/**
 * `--format json` writes a number as a JSON number only when a reader that parses JSON numbers as
 * doubles (JavaScript, jq, most libraries) gets exactly the value DuckDB computed. DuckDB's own JSON
 * rendering gives every BIGINT, HUGEINT and DECIMAL as text; those that fit become numbers here, the
 * rest (a BIGINT beyond ±2^53, a DECIMAL with more than ~15 significant digits) stay strings.
 * Values inside lists and structs are left as DuckDB renders them.
 */
const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/
const DECIMAL = /^DECIMAL\(\d+,\d+\)$/

export function withExactNumbers(rows: Record<string, unknown>[], columns: { name: string; type: string }[]): Record<string, unknown>[] {
  const integers = columns.filter((c) => INTEGER.test(c.type)).map((c) => c.name)
  const decimals = columns.filter((c) => DECIMAL.test(c.type)).map((c) => c.name)
  if (integers.length + decimals.length === 0) return rows
  return rows.map((row) => {
    const copy = { ...row }
    for (const name of integers) copy[name] = exactInteger(copy[name])
    for (const name of decimals) copy[name] = exactDecimal(copy[name])
    return copy
  })
}

/** An integer within ±(2^53 - 1): every such integer, and no other, is one double with no neighbour mistaken for it. */
export function exactInteger(value: unknown): unknown {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) return value
  const number = Number(value)
  return Number.isSafeInteger(number) ? number : value
}

/** A decimal whose nearest double prints back as the same value (true up to 15 significant digits). */
export function exactDecimal(value: unknown): unknown {
  if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) return value
  const number = Number(value)
  return Number.isFinite(number) && canonical(String(number)) === canonical(value) ? number : value
}

// 1.2500 and 1.25 are the same value; -0 and 0 too.
function canonical(text: string): string {
  if (/e/i.test(text)) return text // a double printed in exponent form has lost or moved digits: not equal
  const [whole, fraction = ''] = text.replace(/^-/, '').split('.')
  const digits = `${whole.replace(/^0+(?=\d)/, '')}.${fraction.replace(/0+$/, '')}`.replace(/\.$/, '')
  return text.startsWith('-') && digits !== '0' ? `-${digits}` : digits
}
