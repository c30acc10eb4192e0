import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { type DecodeStats, readElements, readElementsOfBody } from '../../lib/decode/read-elements.js'
import type { Element } from '../../lib/decode/splitter.js'
import { cccByteFilter } from '../../lib/normalize/prefilter.js'

/**
 * A body held in memory is inflated in one call (readElementsOfBody); the answer must be the streamed
 * path's, element for element, and for every fault the same verdict and message.
 */

type Answer = { elements: Element[]; stats: DecodeStats } | { error: { name: string; reason?: string; message: string } }

async function answer(read: (onElement: (e: Element) => void) => Promise<DecodeStats>): Promise<Answer> {
  const elements: Element[] = []
  try {
    return { elements, stats: await read((e) => elements.push(e)) }
  } catch (error) {
    const e = error as Error & { reason?: string }
    return { error: { name: e.constructor.name, reason: e.reason, message: e.message } }
  }
}

/** Event texts; `n` is a literal no double holds, so the elements' `longNumbers` flag is compared too. */
const events = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `{"eventId":"e${i}","serviceName":"${i % 3 ? 'Ecs' : 'CloudCallCenter'}","eventName":"ListAgents","n":1234567890123456789${i}}`,
  )
const json = (texts: string[]) => Buffer.from(`[${texts.join(',')}]`)
const valid = gzipSync(json(events(40)))

const bodies: [string, Buffer][] = [
  ['an array', valid],
  ['Records', gzipSync(Buffer.from(`{"Records":[${events(10).join(',')}]}`))],
  [
    'NDJSON',
    gzipSync(
      Buffer.from(
        events(5)
          .map((e) => JSON.stringify(e))
          .join('\n'),
      ),
    ),
  ],
  ['two gzip members', Buffer.concat([gzipSync(Buffer.from('[{"a":1},')), gzipSync(Buffer.from('{"a":2}]'))])],
  ['bytes after the gzip member', Buffer.concat([valid, Buffer.from('trailing')])],
  ['an empty object', Buffer.alloc(0)],
  ['one byte', Buffer.from([0x1f])],
  ['not gzip', Buffer.from('[{"plain":"json"}]')],
  ['truncated gzip', valid.subarray(0, Math.floor(valid.length / 2))],
  ['corrupt gzip', Buffer.concat([valid.subarray(0, 12), Buffer.alloc(40, 0xff), valid.subarray(52)])],
  ['a wrong checksum', Buffer.concat([valid.subarray(0, valid.length - 8), Buffer.alloc(8, 0)])],
  ['invalid JSON', gzipSync(Buffer.from('[{"a":1}, {"b":'))],
  ['an empty body', gzipSync(Buffer.alloc(0))],
]

describe('readElementsOfBody', () => {
  for (const [name, body] of bodies) {
    for (const maxInflatedBytes of [64 << 20, 16]) {
      it(`answers as the streamed path for ${name} (inflating up to ${maxInflatedBytes} bytes at once)`, async () => {
        const options = { maxEventBytes: 1 << 20, keep: cccByteFilter() }
        const streamed = await answer((onElement) => readElements(Readable.from([body]), onElement, { ...options, keep: cccByteFilter() }))
        const whole = await answer((onElement) => readElementsOfBody(body, onElement, { ...options, maxInflatedBytes }))
        expect(whole).toEqual(streamed)
      })
    }
  }

  it('reads a body that inflates past the bound whole all the same (through the stream)', async () => {
    const big = gzipSync(json(events(2000)))
    const elements: Element[] = []
    const stats = await readElementsOfBody(big, (e) => elements.push(e), { maxInflatedBytes: 1024 })
    expect(stats.elements).toBe(2000)
    expect(elements).toHaveLength(2000)
  })
})
