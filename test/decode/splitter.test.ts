import { describe, expect, it } from 'vitest'
import { type Element, ElementSplitter, MAX_EVENT_DEPTH } from '../../lib/decode/splitter.js'
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
    expect(split('\ufeff{"a":1}\n{"b":2}', 1).texts).toEqual(['{"a":1}', '{"b":2}'])
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
    ['{"a":1},\n{"b":2}', /comma between NDJSON/],
    ['{"a":"unterminated', /ends inside/],
  ])('fails the body on structural damage: %s', (body, message) => {
    expect(() => split(body)).toThrow(expect.objectContaining({ name: 'PermanentInputError', reason: 'invalid_json', message: expect.stringMatching(message) }))
  })

  it.each([
    ['[{"a":1}] garbage', 'array'],
    ['[{"a":1}]\n[{"b":2}]', 'a second array'],
    ['{"Records":[{"a":1}]} x', 'Records'],
    ['{"Records":[{"a":1}],"more":2}', 'Records with another key'],
  ])('fails the body with trailing_bytes on content after the event list: %s (%s)', (body) => {
    expect(() => split(body)).toThrow(
      expect.objectContaining({ name: 'PermanentInputError', reason: 'trailing_bytes', message: expect.stringMatching(/after the end of the event list/) }),
    )
  })

  const nested = (depth: number) => '['.repeat(depth - 1) + ']'.repeat(depth - 1)
  for (const form of ['array', 'records', 'ndjson'] as const) {
    it(`marks an event nested deeper than MAX_EVENT_DEPTH and keeps its neighbours (${form})`, () => {
      const deep = `{"x":${nested(5000)}}`
      const limit = `{"x":${nested(MAX_EVENT_DEPTH)}}`
      const over = `{"x":${nested(MAX_EVENT_DEPTH + 1)}}`
      const list = ['{"a":1}', deep, limit, over, '{"b":2}']
      const body = form === 'ndjson' ? list.join('\n') : form === 'records' ? `{"Records":[${list.join(',')}]}` : `[${list.join(',')}]`
      const result = split(body, 100)
      expect(result.elements.map((e) => ('tooDeep' in e ? 'deep' : 'text' in e ? e.text : 'large'))).toEqual(['{"a":1}', 'deep', limit, 'deep', '{"b":2}'])
      expect(result.elements[1]).toMatchObject({ bytes: deep.length, head: deep.slice(0, 256) })
    })
  }

  it('still checks brackets around an over-deep event', () => {
    expect(() => split(`[{"x":${'['.repeat(600)}}]`)).toThrow(PermanentInputError)
  })

  it.each(['hello world', '<xml/>'])('rejects a body that is not JSON at all: %s', (body) => {
    expect(() => split(body)).toThrow(expect.objectContaining({ name: 'PermanentInputError', reason: 'unknown_body_format' }))
  })
})
