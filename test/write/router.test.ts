import { describe, expect, it } from 'vitest'
import type { Element } from '../../lib/decode/splitter.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { ArchiveRouter } from '../../lib/write/router.js'

const SOURCE = 'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/trail_2021-02-03-04-10-00_4.json.gz'

function element(overrides: Record<string, unknown>): Element {
  const text = JSON.stringify({ ...seedSampleEvent(), ...overrides })
  return { text, bytes: Buffer.byteLength(text) }
}

function router(rowBufferBytes = 64 << 20): ArchiveRouter {
  return new ArchiveRouter(SOURCE, { timeZone: 'UTC', rowBufferBytes })
}

describe('ArchiveRouter', () => {
  it('routes rows into (dt, event_name) partitions and counts what is not CCC', () => {
    const r = router()
    r.add(element({ eventId: 'a', eventName: 'ListConfig', eventTime: '2021-02-03T23:59:59Z' }))
    r.add(element({ eventId: 'b', eventName: 'ListConfig', eventTime: '2021-02-04T00:00:00Z' }))
    r.add(element({ eventId: 'c', eventName: 'StartBack2BackCall', eventTime: '2021-02-04T00:00:01Z' }))
    r.add(element({ eventId: 'd', eventName: 'DescribeInstances', serviceName: 'Ecs', eventSource: 'ecs.aliyuncs.com', requestParameters: {} }))
    expect({ elements: r.elements, rows: r.rows, nonCcc: r.nonCcc, quarantined: r.quarantined.length }).toEqual({
      elements: 4,
      rows: 3,
      nonCcc: 1,
      quarantined: 0,
    })
    const partitions = [...r.partitions.values()].map((p) => [p.dt, p.eventName, p.bufferedRows])
    expect(partitions).toEqual([
      ['2021-02-03', 'ListConfig', 1],
      ['2021-02-04', 'ListConfig', 1],
      ['2021-02-04', 'StartBack2BackCall', 1],
    ])
  })

  it('quarantines a repeated event id with its position and text, and keeps the first', () => {
    const r = router()
    const first = element({ eventId: 'same', eventName: 'ListConfig' })
    const repeat = element({ eventId: 'same', eventName: 'ListConfig', eventTime: '2021-02-03T05:00:00Z' })
    r.add(first)
    r.add(repeat)
    expect(r.rows).toBe(1)
    expect(r.quarantined).toEqual([
      {
        index: 1,
        reason: 'duplicate_event_id',
        message: 'eventId same appears earlier in this archive',
        eventId: 'same',
        raw: 'text' in repeat ? repeat.text : undefined,
      },
    ])
  })

  it('keeps raw text of quarantined events only while the budget lasts', () => {
    const r = new ArchiveRouter(SOURCE, { timeZone: 'UTC', rowBufferBytes: 64 << 20, quarantineRawBytes: 10 })
    r.add({ text: '[1, 2]', bytes: 6 })
    r.add({ text: '"a string, longer than what is left"', bytes: 36 })
    expect(r.quarantined.map((q) => [q.index, q.reason, q.raw])).toEqual([
      [0, 'event_not_object', '[1, 2]'],
      [1, 'event_not_object', undefined],
    ])
  })

  it('flushes the partition holding the most rows to a row group once the buffer bound is passed', () => {
    // A row is held as twice its JSON text: the bound lets three of them wait, not four.
    const r = router(element({}).bytes * 2 * 3 + 1)
    for (let i = 0; i < 3; i++) r.add(element({ eventId: `big-${i}`, eventName: 'ListConfig' }))
    r.add(element({ eventId: 'small-0', eventName: 'GetUser' }))
    const [big, small] = [...r.partitions.values()]
    expect([big.eventName, big.bufferedRows, big.file.rows]).toEqual(['ListConfig', 0, 3])
    expect([small.eventName, small.bufferedRows, small.file.rows]).toEqual(['GetUser', 1, 0])
    r.add(element({ eventId: 'small-1', eventName: 'GetUser' }))
    expect([small.bufferedRows, big.bufferedRows]).toEqual([2, 0])
  })
})
