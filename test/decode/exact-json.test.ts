import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseExactJson } from '../../lib/decode/exact-json.js'
import { ExactNumber } from '../../lib/decode/exact-number.js'
import { parseEvent } from '../../lib/decode/parse-event.js'
import { ElementSplitter, MAX_EVENT_DEPTH } from '../../lib/decode/splitter.js'
import { numberLiteral } from '../support/archive-specs.js'

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
    const value = parseExactJson(
      '{"principalId": 201553751340157473, "n": [-123456789012345678901, 1e400, 2.5E-999, 17, 1.5], "s": "1234567890123456789"}',
    ) as Record<string, unknown>
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

/** Splits a body in chunks of `chunkSize` and parses each element as the pipeline does. */
function splitAndParse(body: string, chunkSize: number): { text: string; value: unknown; longNumbers: boolean | undefined }[] {
  const out: { text: string; value: unknown; longNumbers: boolean | undefined }[] = []
  const splitter = new ElementSplitter((e) => {
    if ('text' in e) out.push({ text: e.text, value: parseEvent(e.text, e.longNumbers), longNumbers: e.longNumbers })
  })
  const bytes = Buffer.from(body)
  for (let i = 0; i < bytes.length; i += chunkSize) splitter.push(bytes.subarray(i, i + chunkSize))
  splitter.finish()
  return out
}

/** JSON values with number literals of every size and form spliced in. */
const eventWithNumbers = fc.tuple(fc.json(), fc.array(numberLiteral, { maxLength: 4 })).map(([json, literals]) => {
  const list = literals.map((l, i) => `"n${i}":${l}`).join(',')
  return `{"v":${json}${list ? ',' : ''}${list},"a":[${literals.join(',')}]}`
})

describe('the pre-check in the splitter', () => {
  it('flags exactly the events that hold a literal to keep, even split across chunks', () => {
    const [plain, big, exponent, fraction, hexString] = splitAndParse(
      '[{"id":900719925474099,"s":"x"},{"id":9007199254740993},{"x":[1.5e+300]},{"f":0.12345678901234567890},{"s":"e9e96614ad32"}]',
      5,
    )
    expect(plain).toMatchObject({ longNumbers: false, value: { id: 900719925474099, s: 'x' } })
    expect(big).toMatchObject({ longNumbers: true, value: { id: new ExactNumber('9007199254740993') } })
    expect(exponent).toMatchObject({ longNumbers: true, value: { x: [new ExactNumber('1.5e+300')] } })
    expect(fraction).toMatchObject({ longNumbers: false, value: { f: 0.12345678901234568 } })
    expect(hexString).toMatchObject({ longNumbers: false })
  })

  it('never lets an event take the fast parser when the exact one would keep a literal', () => {
    fc.assert(
      fc.property(
        fc.array(eventWithNumbers, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('array', 'ndjson'),
        fc.integer({ min: 1, max: 64 }),
        (events, form, chunkSize) => {
          const body = form === 'array' ? `[${events.join(',')}]` : events.join('\n')
          const parsed = splitAndParse(body, chunkSize)
          expect(parsed.map((p) => p.text)).toEqual(events)
          for (const p of parsed) expect(p.value).toEqual(parseExactJson(p.text))
        },
      ),
      { seed: 1604, numRuns: 1500 },
    )
  })

  it('reads an element of unknown origin (no flag) exactly', () => {
    expect(parseEvent('{"id": 9007199254740993}', undefined)).toEqual({ id: new ExactNumber('9007199254740993') })
    expect(parseEvent('{"id": 9007199254740993}', false)).toEqual({ id: 9007199254740992 })
  })
})
