import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type BodyForm, ElementSplitter } from '../../lib/decode/splitter.js'
import { TEST_SEED } from '../support/seed.js'

/**
 * The splitter must give the same elements however the body is cut into chunks: a 256 KB read can end
 * anywhere, inside an escape (`\` | `"`), inside a multi-byte UTF-8 character, between `\r` and `\n`.
 */

type Json = unknown

interface Body {
  form: BodyForm
  elements: Json[]
  bytes: Buffer
}

/** Characters that make the splitter's states change, plus any code point. */
const tricky = fc.constantFrom('"', '\\', '/', '{', '}', '[', ']', ',', ':', ' ', '\n', '\r', '\t', 'a', 'é', '坐', '😀', '\u2028', '\u0000', 'Records')
const char = fc.oneof({ weight: 3, arbitrary: tricky }, { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) })
const value = fc.jsonValue({ maxDepth: 3, stringUnit: char })

function render(form: BodyForm, elements: Json[], pretty: boolean, crlf: boolean, bom: boolean): Buffer {
  const indent = pretty ? 2 : 0
  const text =
    form === 'array'
      ? JSON.stringify(elements, null, indent)
      : form === 'records'
        ? JSON.stringify({ Records: elements }, null, indent)
        : elements.map((e) => JSON.stringify(e)).join(crlf ? '\r\n' : '\n') + (pretty ? '\n\n' : '')
  return Buffer.from((bom ? '\ufeff' : '') + text)
}

const body: fc.Arbitrary<Body> = fc
  .record({
    form: fc.constantFrom<BodyForm>('array', 'records', 'ndjson'),
    values: fc.array(value, { maxLength: 6 }),
    pretty: fc.boolean(),
    crlf: fc.boolean(),
    bom: fc.boolean(),
  })
  .map(({ form, values, pretty, crlf, bom }) => {
    // NDJSON is told apart by its first byte `{` (and not `{"Records":[`), so its lines are objects with a first key `i`.
    const elements = form === 'ndjson' ? [{ i: 0 }, ...values].map((v, i) => ({ i, v })) : values
    return { form, elements, bytes: render(form, elements, pretty, crlf, bom) }
  })

/** Cut positions, any in 0..length; duplicates give empty chunks, which must be harmless too. */
const cuts = fc.array(fc.nat(), { maxLength: 16 })

function chunksAt(bytes: Buffer, positions: number[]): Buffer[] {
  const at = positions.map((p) => p % (bytes.length + 1)).sort((a, b) => a - b)
  return [...at, bytes.length].map((end, i) => bytes.subarray(i === 0 ? 0 : at[i - 1], end))
}

function splitChunks(chunks: Buffer[]): { form: BodyForm | undefined; values: Json[] } {
  const texts: string[] = []
  const splitter = new ElementSplitter((e) => texts.push('text' in e ? e.text : `<too large: ${e.bytes}>`))
  for (const chunk of chunks) splitter.push(chunk)
  splitter.finish()
  return { form: splitter.form, values: texts.map((t) => JSON.parse(t)) }
}

/** Compared as JSON text: `-0` and `0` are the same element. */
const same = (values: Json[]) => values.map((v) => JSON.stringify(v))

const runs = { seed: TEST_SEED, numRuns: 300 }

describe('ElementSplitter over any chunking', () => {
  it(`gives the elements of any body, cut at random offsets (seed ${TEST_SEED})`, () => {
    fc.assert(
      fc.property(body, cuts, ({ form, elements, bytes }, positions) => {
        const result = splitChunks(chunksAt(bytes, positions))
        expect(result.form).toBe(elements.length === 0 && form !== 'records' ? 'array' : form)
        expect(same(result.values)).toEqual(same(elements))
      }),
      runs,
    )
  })

  it(`gives the elements of any body read in equal chunks of 1 to 9 bytes (seed ${TEST_SEED})`, () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 9 }), ({ elements, bytes }, size) => {
        const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size))
        expect(same(splitChunks(chunks).values)).toEqual(same(elements))
      }),
      runs,
    )
  })

  // Every escape JSON has, a quote and a backslash next to each other, 2-, 3- and 4-byte UTF-8, inside
  // events and as scalar elements (which the splitter scans on its other path).
  const nasty = [{ s: 'a\\"b\\\\"c', t: '\\', u: '"', k: { 'x\\': ['\\"', '}', ']'] } }, 'q\\"r', '坐席é😀\\', { n: '\b\f\n\r\t\u0001\u2028', e: '' }, ['\\\\']]

  it.each<[BodyForm, Buffer]>([
    ['array', render('array', nasty, false, false, false)],
    ['array', render('array', nasty, true, false, true)],
    ['records', render('records', nasty, true, false, false)],
    [
      'ndjson',
      render(
        'ndjson',
        nasty.map((v, i) => ({ i, v })),
        false,
        true,
        false,
      ),
    ],
  ])('gives the same elements for a %s body cut at every single offset, and with every byte alone in a chunk', (form, bytes) => {
    const expected = same(splitChunks([bytes]).values)
    expect(expected.length).toBe(nasty.length)
    for (let at = 0; at <= bytes.length; at++) {
      expect(same(splitChunks([bytes.subarray(0, at), bytes.subarray(at)]).values), `${form} cut at byte ${at}`).toEqual(expected)
      const alone = [bytes.subarray(0, at), bytes.subarray(at, at + 1), bytes.subarray(at + 1)]
      expect(same(splitChunks(alone).values), `${form} with byte ${at} alone`).toEqual(expected)
    }
  })
})
