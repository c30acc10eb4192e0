import { describe, expect, it } from 'vitest'
import { type ByteFilter, type Element, ElementSplitter } from '../../lib/decode/splitter.js'
import { cccEvent, noiseEvent } from '../../lib/demo/events.js'
import { createRng, type Rng } from '../../lib/demo/rng.js'
import { cccByteFilter } from '../../lib/normalize/prefilter.js'
import { elementToRow } from '../../lib/normalize/to-row.js'
import { ArchiveRouter } from '../../lib/write/router.js'

const KEY = 'AliyunLogs/ActionTrail/cn-shanghai/2021/02/03/x.gz'

/** The filter's verdict on one text on its own. */
const accepts = (filter: ByteFilter, text: string) => {
  const bytes = Buffer.from(text)
  return filter(bytes, 0, bytes.length)
}

describe('cccByteFilter', () => {
  const filter = (text: string) => accepts(cccByteFilter(new Set(['Extra.Service', 'Über'])), text)

  it('keeps text with a CCC marker, an extra service name, a \\u escape, or that is not an object', () => {
    for (const text of [
      '{"serviceName":"CloudCallCenter"}',
      '{"eventSource":"ccc.cn-shanghai.aliyuncs.com"}',
      '{"requestParameters":{"AcsProduct":"CCC"}}',
      '{"serviceName":"Extra.Service"}',
      '{"serviceName":"Über"}',
      '{"serviceName":"Cloud\\u0043allCenter"}',
      '17',
      '"text"',
      'null',
      '[1]',
    ])
      expect(filter(text), text).toBe(true)
  })

  it('drops text that cannot be a CCC event', () => {
    for (const text of ['{"serviceName":"Ecs","eventSource":"ecs.aliyuncs.com"}', '{"serviceName":"Ccc"}', '{"a":"\\n\\"\\\\"}', '{"eventSource":"xccc.a"}']) {
      expect(filter(text), text).toBe(false)
    }
  })

  it('parses everything when an extra service name could be spelt with other escapes', () => {
    expect(accepts(cccByteFilter(new Set(['a/b'])), '{"serviceName":"Ecs"}')).toBe(true)
    expect(accepts(cccByteFilter(new Set(['a"b'])), '{"serviceName":"Ecs"}')).toBe(true)
  })

  it('looks only inside the element, as it moves forward through one buffer', () => {
    const filter = cccByteFilter()
    const bytes = Buffer.from('{"a":1},{"serviceName":"CloudCallCenter"},{"b":2},{"c":"CCC"}')
    const spans = [
      [0, 7],
      [8, 41],
      [42, 49],
      [50, 61],
    ]
    expect(spans.map(([start, end]) => filter(bytes, start, end))).toEqual([false, true, false, true])
  })
})

/**
 * The pre-filter is a fast path in front of the careful one (JSON.parse of every event). Over the
 * same generated archives, bad events included, both must write byte-identical files and the same
 * counts. The one permitted difference: an object whose text is not valid JSON and carries no CCC
 * marker is a non-CCC skip for the fast path (never parsed) and event_invalid_json for the careful one.
 */
describe('pre-filter against parsing every event (differential)', () => {
  for (const [seed, share] of [
    [1, 0.2],
    [2, 0.7],
    [3, 0.05],
    [4, 1],
  ] as const) {
    it(`seed ${seed}, CCC share ${share}: identical files and counts`, async () => {
      const rng = createRng(seed)
      const texts = archiveTexts(rng, 250, share)
      const extraServices = new Set(['Ecs'])
      for (const services of [new Set<string>(), extraServices]) {
        const fast = await route(texts, services, cccByteFilter(services))
        const careful = await route(texts, services)
        expect(fast.files).toEqual(careful.files)
        const markerless = careful.quarantined.filter((q) => q.reason === 'event_invalid_json' && !accepts(cccByteFilter(services), texts[q.index]))
        expect(fast.quarantined).toEqual(careful.quarantined.filter((q) => !markerless.includes(q)))
        expect(fast.counts).toEqual({
          ...careful.counts,
          nonCcc: careful.counts.nonCcc + markerless.length,
          quarantined: careful.counts.quarantined - markerless.length,
        })
        expect(markerless).toHaveLength(services.size === 0 ? 1 : 0)
        expect(careful.counts.rows).toBeGreaterThan(0)
      }
    })
  }

  it('agrees with the careful path event by event on every generated text', () => {
    const rng = createRng(9)
    const filter = cccByteFilter()
    for (const text of archiveTexts(rng, 2000, 0.3)) {
      if (accepts(filter, text)) continue
      const verdict = elementToRow({ text, bytes: text.length }, KEY)
      expect(verdict.kind === 'not_ccc' || (verdict.kind === 'quarantine' && verdict.reason === 'event_invalid_json'), text).toBe(true)
    }
  })
})

/** Generated CCC and other events, with tricky and bad ones mixed in at random places. */
function archiveTexts(rng: Rng, count: number, share: number): string[] {
  const texts: string[] = []
  for (let i = 0; i < count; i++) {
    const time = new Date(Date.UTC(2021, 1, 3, 4, 0, i % 60))
    const ctx = { time, region: 'cn-shanghai' }
    texts.push(JSON.stringify(rng.chance(share) ? cccEvent(rng, ctx) : noiseEvent(rng, ctx)))
  }
  const ccc = (extra: Record<string, unknown>) =>
    JSON.stringify({ ...cccEvent(rng, { time: new Date(Date.UTC(2021, 1, 3)), region: 'cn-shanghai' }), ...extra })
  const tricky = [
    // CCC only through an escape, only through AcsProduct, only through eventSource.
    JSON.stringify({ eventId: 'esc-1', eventTime: '2021-02-03T04:00:00Z', serviceName: 'CloudCallCenter', eventName: 'X' }).replace(
      'CloudCallCenter',
      'Cloud\\u0043allCenter',
    ),
    JSON.stringify({ eventId: 'acs-1', eventTime: '2021-02-03T04:00:01Z', serviceName: 'Other', requestParameters: { AcsProduct: 'CCC' }, eventName: 'Y' }),
    JSON.stringify({ eventId: 'src-1', eventTime: '2021-02-03T04:00:02Z', eventSource: 'ccc.cn-beijing.aliyuncs.com', eventName: 'Z' }),
    // Bad CCC events: invalid JSON, no time, a duplicate id.
    ccc({ eventId: 'masked' }).replace('"masked"', '1234****5678'),
    ccc({ eventId: 'no-time', eventTime: undefined }),
    ccc({ eventId: 'dup' }),
    ccc({ eventId: 'dup' }),
    // Bad other events: invalid JSON (with and without an escape), non-objects.
    '{"serviceName":"Ecs","accountId":1234****5678}',
    '{"serviceName":"Ecs\\u0021","x":tru}',
    '17',
    '"text"',
    'null',
    '[1,2]',
  ]
  for (const text of tricky) texts.splice(rng.int(0, texts.length), 0, text)
  return texts
}

/** The texts as one array body, fed to the splitter in uneven chunks (events span chunks), routed; `keep` is the fast path. */
async function route(texts: string[], extraServices: ReadonlySet<string>, keep?: ByteFilter) {
  const router = new ArchiveRouter(KEY, { timeZone: 'UTC', rowBufferBytes: 1 << 20, extraServices })
  const splitter = new ElementSplitter((element: Element) => router.add(element), 64 << 20, keep)
  const body = Buffer.from(`[${texts.join(',\n')}]`)
  for (let at = 0, size = 1; at < body.length; at += size, size = ((size * 7 + 3) % 4093) + 1) splitter.push(body.subarray(at, at + size))
  splitter.finish()
  const files: Record<string, Uint8Array> = {}
  for (const [id, partition] of router.partitions) files[id] = await partition.finish()
  const { elements: events, rows, nonCcc } = router
  return { files, quarantined: router.quarantined, counts: { events, rows, nonCcc, quarantined: router.quarantined.length } }
}
