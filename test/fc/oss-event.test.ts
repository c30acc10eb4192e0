import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { InvalidEventError, PermanentError } from '../../lib/errors.js'
import { isObjectCreated, ossTriggerEvent, parseOssEvent } from '../../lib/fc/oss-event.js'

const sample = readFileSync(new URL('../../deploy/events/oss-put.json', import.meta.url))

describe('parseOssEvent', () => {
  it('reads the documented FC event shape from the Buffer the runtime hands over', () => {
    expect(parseOssEvent(sample)).toEqual([
      {
        eventName: 'ObjectCreated:PutObject',
        region: 'cn-shanghai',
        bucket: 'my-actiontrail-bucket',
        key: 'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/Actiontrail_cn-shanghai_20210203041500_1002_2_1234_0123456789abcdef0123456789abcdef.gz',
        size: 1234,
        eTag: '0123456789ABCDEF0123456789ABCDEF',
        eventTime: '2021-02-03T04:15:07.000Z',
      },
    ])
  })

  it('accepts a string or a parsed object and keeps every record in order', () => {
    const event = ossTriggerEvent([
      { bucket: 'b1', key: 'a.gz', size: 10 },
      { bucket: 'b2', key: 'b.gz', eventName: 'oss:ObjectCreated:CompleteMultipartUpload' },
    ])
    const fromString = parseOssEvent(JSON.stringify(event))
    expect(fromString.map((r) => [r.bucket, r.key, r.eventName])).toEqual([
      ['b1', 'a.gz', 'ObjectCreated:PutObject'],
      ['b2', 'b.gz', 'ObjectCreated:CompleteMultipartUpload'],
    ])
    expect(parseOssEvent(event)).toEqual(fromString)
  })

  it.each([
    ['not JSON', Buffer.from('{"events": ['), /OSS trigger event is not JSON/],
    ['no events array', Buffer.from('{"triggerTime":"2021-02-04T00:15:00Z"}'), /no "events" array/],
    ['an empty events array', Buffer.from('{"events":[]}'), /empty "events" array/],
    ['a record from another source', { events: [{ eventSource: 'acs:mns' }] }, /events\[0\] has eventSource "acs:mns", expected "acs:oss"/],
    ['a record without a bucket', { events: [{ eventSource: 'acs:oss', oss: { object: { key: 'k' } } }] }, /events\[0\] has no oss\.bucket\.name/],
    [
      'a second record without a key',
      { events: [ossTriggerEvent([{ bucket: 'b', key: 'k' }]).events[0], { eventSource: 'acs:oss', oss: { bucket: { name: 'b' }, object: {} } }] },
      /events\[1\] has no oss\.object\.key/,
    ],
    ['a record that is not an object', { events: ['x'] }, /events\[0\] is not an object/],
  ])('refuses %s with a clear, permanent error', (_, event, message) => {
    expect(() => parseOssEvent(event)).toThrow(message)
    expect(() => parseOssEvent(event)).toThrow(InvalidEventError)
    let error: unknown
    try {
      parseOssEvent(event)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PermanentError)
  })

  it('tells created objects from other notifications', () => {
    const [created, removed] = parseOssEvent(
      ossTriggerEvent([
        { bucket: 'b', key: 'k', eventName: 'ObjectCreated:PostObject' },
        { bucket: 'b', key: 'k', eventName: 'ObjectRemoved:DeleteObject' },
      ]),
    )
    expect(isObjectCreated(created!)).toBe(true)
    expect(isObjectCreated(removed!)).toBe(false)
  })
})
