import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseExactJson } from '../../lib/decode/exact-json.js'
import { ExactNumber, NEEDS_EXACT_PARSE } from '../../lib/decode/exact-number.js'
import { parseEvent } from '../../lib/decode/parse-event.js'
import { MAX_EVENT_DEPTH } from '../../lib/decode/splitter.js'

/** The exact parser's value with every ExactNumber read as a double: what JSON.parse gives. */
function asDoubles(value: unknown): unknown {
  if (value instanceof ExactNumber) return Number(value.text)
  if (Array.isArray(value)) return value.map(asDoubles)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asDoubles(v)]))
  return value
}

function outcome(parse: (text: string) => unknown, text: string): { value: unknown } | { error: string } {
  try {
    return { value: parse(text) }
  } catch (error) {
    return { error: (error as Error).name }
  }
}

const jsonishText = fc.oneof(
  fc.json(),
  fc.json().map((t) => t.replace(/\d+/g, (d) => d + '12345678901234567')),
  fc.string({ unit: fc.constantFrom(...'{}[]",:-+.eE0123456789 \t\n\\tnrufals'.split('')), maxLength: 40 }),
  fc.tuple(fc.json(), fc.nat({ max: 60 }), fc.string({ maxLength: 3 })).map(([t, at, s]) => t.slice(0, at) + s + t.slice(at)),
)

describe('the exact JSON parser', () => {
  it('keeps every digit of integers beyond 2^53 and exponents a double cannot hold', () => {
    const value = parseExactJson('{"principalId": 201553751340157473, "n": [-123456789012345678901, 1e400, 2.5E-999, 17, 1.5], "s": "1234567890123456789"}') as Record<string, unknown>
    expect(value).toEqual({
      principalId: new ExactNumber('201553751340157473'),
      n: [new ExactNumber('-123456789012345678901'), new ExactNumber('1e400'), new ExactNumber('2.5E-999'), 17, 1.5],
      s: '1234567890123456789',
    })
  })

  it('keeps the last of repeated keys and makes "__proto__" an own property, like JSON.parse', () => {
    expect(parseExactJson('{"a":1,"a":12345678901234567890}')).toEqual({ a: new ExactNumber('12345678901234567890') })
    const value = parseExactJson('{"__proto__":{"polluted":1}}') as Record<string, unknown>
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(Object.keys(value)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('decodes escapes and lone surrogates as JSON.parse does, and reads a 20 MB string', () => {
    expect(parseExactJson('["\\ud800", "\\u00e9\\n\\"", "坐席"]')).toEqual(['\ud800', 'é\n"', '坐席'])
    const huge = 'x'.repeat(20 << 20)
    expect((parseExactJson(`{"s":"${huge}","n":12345678901234567890}`) as { s: string }).s.length).toBe(huge.length)
  })

  it(`refuses values nested deeper than ${MAX_EVENT_DEPTH} instead of overflowing the stack`, () => {
    expect(() => parseExactJson('['.repeat(MAX_EVENT_DEPTH) + ']'.repeat(MAX_EVENT_DEPTH))).not.toThrow()
    expect(() => parseExactJson('['.repeat(100_000) + ']'.repeat(100_000))).toThrow(SyntaxError)
  })

  it('accepts and rejects exactly what JSON.parse does, with the same values up to ExactNumber', () => {
    fc.assert(
      fc.property(jsonishText, (text) => {
        const exact = outcome(parseExactJson, text)
        const native = outcome(JSON.parse, text)
        if ('error' in native) expect(exact).toEqual({ error: 'SyntaxError' })
        else expect('value' in exact ? { value: asDoubles(exact.value) } : exact).toEqual(native)
      }),
      { seed: 1603, numRuns: 3000 },
    )
  })
})

describe('parseEvent', () => {
  it('takes the exact parser only when the pre-check finds a long digit run or a 3-digit exponent', () => {
    expect(NEEDS_EXACT_PARSE.test('{"accountId":"1059804828509","n":1.5}')).toBe(false)
    expect(NEEDS_EXACT_PARSE.test('{"id": 9007199254740993}')).toBe(true)
    expect(NEEDS_EXACT_PARSE.test('[1e308]')).toBe(true)
    expect(parseEvent('{"id": 9007199254740993}')).toEqual({ id: new ExactNumber('9007199254740993') })
    expect(parseEvent('{"id": 9007199254740991, "s": "x"}')).toEqual({ id: new ExactNumber('9007199254740991'), s: 'x' })
    expect(parseEvent('{"id": 900719925474099}')).toEqual({ id: 900719925474099 })
  })

  it('gives the same values whichever parser a text takes: the fast path never drops what the exact one keeps', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        if (NEEDS_EXACT_PARSE.test(text)) return
        expect(parseExactJson(text)).toEqual(JSON.parse(text))
      }),
      { seed: 1604, numRuns: 2000 },
    )
  })
})
