import { describe, expect, it } from 'vitest'
import { ElementSplitter, type Element } from '../../lib/decode/splitter.js'
import { PermanentInputError } from '../../lib/errors.js'

function split(body: string, chunkSize = 7, max?: number): { form: string | undefined; texts: string[]; elements: Element[] } {
  const elements: Element[] = []
  const splitter = new ElementSplitter((e) => elements.push(e), max)
  const bytes = Buffer.from(body)
  for (let i = 0; i < bytes.length; i += chunkSize) splitter.push(bytes.subarray(i, i + chunkSize))
  splitter.finish()
  return { form: splitter.form, elements, texts: elements.map((e) => ('text' in e ? e.text : `<${e.bytes} bytes>`)) }
}

const events = [{ a: 1, s: 'x,}]"\\' }, { b: [1, { c: '[' }] }, { d: '坐席' }]

describe('ElementSplitter', () => {
  for (const chunkSize of [1, 3, 7, 1000]) {
    it(`splits a JSON array (chunks of ${chunkSize})`, () => {
      const result = split(JSON.stringify(events, null, chunkSize === 3 ? 2 : 0), chunkSize)
      expect(result.form).toBe('array')
      expect(result.texts.map((t) => JSON.parse(t))).toEqual(events)
    })

    it(`splits {"Records": [...]} (chunks of ${chunkSize})`, () => {
      const result = split(JSON.stringify({ Records: events }), chunkSize)
      expect(result.form).toBe('records')
      expect(result.texts.map((t) => JSON.parse(t))).toEqual(events)
    })

    it(`splits NDJSON (chunks of ${chunkSize})`, () => {
      const result = split(events.map((e) => JSON.stringify(e)).join('\r\n') + '\n\n', chunkSize)
      expect(result.form).toBe('ndjson')
      expect(result.texts.map((t) => JSON.parse(t))).toEqual(events)
    })
  }

  it('accepts an empty array, an empty body and a byte-order mark', () => {
    expect(split('[]').texts).toEqual([])
    expect(split('  \n').texts).toEqual([])
    expect(split('\ufeff[{"a":1}]').texts).toEqual(['{"a":1}'])
    expect(split('{ "Records" : [ ] }').form).toBe('records')
  })

  it('keeps non-object elements as elements, for the caller to reject', () => {
    expect(split('[1, "two" ,null,[3]]', 2).texts).toEqual(['1', '"two"', 'null', '[3]'])
  })

  it('hands over an event with an invalid value intact, so only that event fails', () => {
    const result = split('[{"a":1},{"accountId":1234****5678},{"b":2}]')
    expect(result.texts).toEqual(['{"a":1}', '{"accountId":1234****5678}', '{"b":2}'])
  })

  it('marks elements over the size limit instead of buffering them', () => {
    const big = JSON.stringify({ x: 'y'.repeat(500) })
    const result = split(`[{"a":1},${big},{"b":2}]`, 50, 100)
    expect(result.texts).toEqual(['{"a":1}', '<508 bytes>', '{"b":2}'])
  })

  it.each([
    ['[{"a":1},{"b":2}', /never closed|ends inside/],
    ['[{"a":1},{"b":', /ends inside/],
    ['[{"a":1}]}', /unbalanced/],
    ['[{"a":1}] x', /after the end/],
    ['{"a":1},\n{"b":2}', /comma between NDJSON/],
    ['{"a":"unterminated', /ends inside/],
  ])('fails the body on structural damage: %s', (body, message) => {
    expect(() => split(body)).toThrow(message)
    expect(() => split(body)).toThrow(expect.objectContaining({ reason: 'invalid_json' }))
  })

  it('rejects a body that is not JSON at all', () => {
    expect(() => split('hello world')).toThrow(PermanentInputError)
    expect(() => split('<xml/>')).toThrow(expect.objectContaining({ reason: 'unknown_body_format' }))
  })
})
