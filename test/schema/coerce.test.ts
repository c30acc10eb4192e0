import { describe, expect, it } from 'vitest'
import { ExactNumber } from '../../lib/decode/exact-number.js'
import { cccEvent } from '../../lib/demo/events.js'
import { createRng } from '../../lib/demo/rng.js'
import { parseEventTime } from '../../lib/normalize/event-time.js'
import { asBoolean, asInt32, asNonEmptyString, asString, canonicalJson } from '../../lib/schema/coerce.js'

describe('coercion of loosely typed fields', () => {
  it('keeps numeric identifiers as exact text', () => {
    expect(asString(1059804828509)).toBe('1059804828509')
    expect(asString(1.059804828509e12)).toBe('1059804828509')
    expect(asString(9007199254740991)).toBe('9007199254740991')
    expect(asString(1.5)).toBe('1.5')
    expect(asString(true)).toBe('true')
    expect(asString({ a: 1 })).toBe('{"a":1}')
    expect(asString(null)).toBeNull()
    expect(asString(Number.NaN)).toBeNull()
  })

  it('turns "" into null where empty means absent', () => {
    expect(asNonEmptyString('')).toBeNull()
    expect(asNonEmptyString('Forbidden')).toBe('Forbidden')
  })

  it('reads integers from numbers and digit strings only', () => {
    expect(asInt32('1')).toBe(1)
    expect(asInt32(1)).toBe(1)
    expect(asInt32(' 2 ')).toBe(2)
    expect(asInt32('1.0')).toBeNull()
    expect(asInt32(1.5)).toBeNull()
    expect(asInt32('x')).toBeNull()
    expect(asInt32(2 ** 31)).toBeNull()
  })

  it('reads booleans from booleans, "true"/"false" and 0/1', () => {
    expect(asBoolean('false')).toBe(false)
    expect(asBoolean('TRUE')).toBe(true)
    expect(asBoolean(false)).toBe(false)
    expect(asBoolean(1)).toBe(true)
    expect(asBoolean('yes')).toBeNull()
    expect(asBoolean(undefined)).toBeNull()
  })

  it('writes canonical JSON with keys sorted at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}')
    expect(canonicalJson(undefined)).toBeNull()
    expect(canonicalJson('text')).toBe('"text"')
  })

  it('writes an ExactNumber as its original digits, in canonical JSON and as an id', () => {
    const big = new ExactNumber('123456789012345678901')
    expect(canonicalJson({ z: [big, 1.5, null, '\ud800'], CallId: big, a: { n: new ExactNumber('1e400') } })).toBe(
      '{"CallId":123456789012345678901,"a":{"n":1e400},"z":[123456789012345678901,1.5,null,"\\ud800"]}',
    )
    expect(canonicalJson(big)).toBe('123456789012345678901')
    expect(canonicalJson({ plain: 1 })).toBe('{"plain":1}')
    expect(asString(new ExactNumber('201553751340157473'))).toBe('201553751340157473')
    expect(asString({ id: new ExactNumber('201553751340157473') })).toBe('{"id":201553751340157473}')
    expect(asInt32(new ExactNumber('12345678901234567890'))).toBeNull()
    expect(asBoolean(new ExactNumber('10000000000000000'))).toBeNull()
    expect(canonicalJson({ a: 1, b: { n: new ExactNumber('12345678901234567890') } })).toBe('{"a":1,"b":{"n":12345678901234567890}}')
  })

  it('keeps a "__proto__" field, at any depth, as the field it is', () => {
    expect(canonicalJson(JSON.parse('{"a":2,"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1},"a":2}')
    expect(canonicalJson(JSON.parse('{"b":{"__proto__":[1]},"a":1}'))).toBe('{"a":1,"b":{"__proto__":[1]}}')
    expect(canonicalJson(JSON.parse('{"__proto__":null}'))).toBe('{"__proto__":null}')
  })

  it("gives the sorted copy's exact text whether or not the keys already arrive in order", () => {
    const documents = [
      { a: 1, b: { c: [1, { d: 2, e: 3 }], f: null } },
      { b: 1, a: 2 },
      { a: { y: 1, x: 2 } },
      [{ b: 1, a: 2 }, { a: 1 }],
      { '10': 1, '9': 2, a: 3 },
      { a: 1, '2': 2 },
      { '': 1, a: 2 },
      { a: 1, '': 2 },
      { A: 1, a: 2, Z: 3 },
      { 'a.1': 1, 'a.10': 2, 'a.2': 3 },
      JSON.parse('{"__proto__":{"x":1},"a":2}'),
      JSON.parse('{"a":{"__proto__":[1]},"b":2}'),
      { é: 1, e: 2, z: 3 },
      {},
      [],
      'text',
      17,
      true,
      ...cccDocuments(),
    ]
    for (const document of documents) expect(canonicalJson(document), JSON.stringify(document)).toBe(JSON.stringify(sortedCopy(document)))
  })
})

/** The reference: a copy with every object's keys inserted in sorted order. */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy)
  if (value === null || typeof value !== 'object') return value
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    const item = sortedCopy((value as Record<string, unknown>)[key])
    Object.defineProperty(sorted, key, { value: item, enumerable: true, writable: true, configurable: true })
  }
  return sorted
}

function cccDocuments(): unknown[] {
  const rng = createRng(5)
  return Array.from({ length: 300 }, () => cccEvent(rng, { time: new Date(Date.UTC(2021, 1, 3)), region: 'cn-shanghai' }))
    .flatMap((event) => [event.requestParameters, event.responseElements, event.additionalEventData, event.userIdentity, event])
    .filter((document) => document !== undefined)
}

describe('parseEventTime', () => {
  it('accepts ISO-8601 with a zone, and epoch numbers', () => {
    expect(parseEventTime('2021-02-03T04:10:08Z')).toEqual({ ok: true, millis: Date.UTC(2021, 1, 3, 4, 10, 8) })
    expect(parseEventTime('2021-02-03T12:10:08.123+08:00')).toEqual({ ok: true, millis: Date.UTC(2021, 1, 3, 4, 10, 8, 123) })
    expect(parseEventTime(1612325408)).toEqual({ ok: true, millis: 1612325408000 })
    expect(parseEventTime(1612325408123)).toEqual({ ok: true, millis: 1612325408123 })
  })

  it('says why a time cannot be used', () => {
    expect(parseEventTime(undefined)).toEqual({ ok: false, reason: 'event_time_missing' })
    expect(parseEventTime('')).toEqual({ ok: false, reason: 'event_time_missing' })
    expect(parseEventTime('yesterday')).toEqual({ ok: false, reason: 'event_time_invalid' })
    expect(parseEventTime('2021-02-03T04:10:08')).toEqual({ ok: false, reason: 'event_time_invalid' })
    expect(parseEventTime('2021-13-45T04:10:08Z')).toEqual({ ok: false, reason: 'event_time_invalid' })
    expect(parseEventTime({})).toEqual({ ok: false, reason: 'event_time_invalid' })
  })
})
