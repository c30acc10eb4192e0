import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { InvalidEventError } from '../../lib/errors.js'
import { eventJson, timerOrDirectPayload } from '../../lib/fc/event-body.js'

const timerSample = readFileSync(new URL('../../deploy/events/timer.json', import.meta.url))
const windowSample = readFileSync(new URL('../../deploy/events/backfill-window.json', import.meta.url))

describe('eventJson', () => {
  it('parses Buffers and strings, passes parsed values through and reads an empty body as {}', () => {
    expect(eventJson(Buffer.from(' {"a":1} '))).toEqual({ a: 1 })
    expect(eventJson('[1,2]')).toEqual([1, 2])
    expect(eventJson({ b: 2 })).toEqual({ b: 2 })
    expect(eventJson(Buffer.alloc(0))).toEqual({})
    expect(eventJson(undefined)).toEqual({})
  })

  it('names what is not JSON and shows how it starts', () => {
    expect(() => eventJson(Buffer.from('hello world'), 'backfill request')).toThrow(/^backfill request is not JSON \(.+\); starts with "hello world"$/)
    expect(() => eventJson('nope')).toThrow(InvalidEventError)
  })
})

describe('timerOrDirectPayload', () => {
  it('unwraps the JSON payload of the sample timer event', () => {
    expect(timerOrDirectPayload(timerSample)).toEqual({ request: {}, timer: { triggerTime: '2021-02-04T00:15:00Z', triggerName: 'hourly-catch-up' } })
    const timer = { triggerTime: '2021-02-04T00:15:00Z', triggerName: 't', payload: '{"from":"2021-02-01"}' }
    expect(timerOrDirectPayload(Buffer.from(JSON.stringify(timer))).request).toEqual({ from: '2021-02-01' })
  })

  it('takes a manual invocation body as the request itself', () => {
    expect(timerOrDirectPayload(windowSample)).toEqual({ request: { from: '2021-02-01', to: '2021-02-28' } })
    expect(timerOrDirectPayload(Buffer.alloc(0))).toEqual({ request: {} })
  })

  it('names the trigger whose payload is not JSON', () => {
    const timer = { triggerTime: '2021-02-04T00:15:00Z', triggerName: 'hourly-catch-up', payload: 'awesome-fc' }
    expect(() => timerOrDirectPayload(JSON.stringify(timer))).toThrow(/payload of timer trigger "hourly-catch-up" is not JSON/)
  })
})
