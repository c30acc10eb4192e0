import { describe, expect, it } from 'vitest'
import { parseBackfillEvent } from '../../lib/backfill/payload.js'
import { InvalidEventError } from '../../lib/errors.js'

const timer = (payload: unknown) => Buffer.from(JSON.stringify({ triggerTime: '2021-03-01T08:00:00Z', triggerName: 'daily-catch-up', payload }))

describe('backfill payload', () => {
  it('reads the window from a timer payload string, a manual invocation and an empty event', () => {
    expect(parseBackfillEvent(timer('{"from":"2021-02-01","to":"2021-02-28","prefix":"trail/"}'))).toEqual({
      kind: 'window',
      from: '2021-02-01',
      to: '2021-02-28',
      prefix: 'trail/',
    })
    expect(parseBackfillEvent(timer(''))).toEqual({ kind: 'window' })
    expect(parseBackfillEvent(timer('{}'))).toEqual({ kind: 'window' })
    expect(parseBackfillEvent(Buffer.from('{"from":"2021-02-01"}'))).toEqual({ kind: 'window', from: '2021-02-01' })
    expect(parseBackfillEvent(Buffer.alloc(0))).toEqual({ kind: 'window' })
    expect(
      parseBackfillEvent('{"from":"2021-02-01","to":"2021-02-02","prefix":"","resume":"_ccc_trail/checkpoints/backfill-2021-02-01_2021-02-02.json"}'),
    ).toMatchObject({ resume: '_ccc_trail/checkpoints/backfill-2021-02-01_2021-02-02.json' })
  })

  it('reads a worker batch, each key once', () => {
    expect(parseBackfillEvent('{"batch":["a.gz","b.gz","a.gz"]}')).toEqual({ kind: 'batch', keys: ['a.gz', 'b.gz'] })
  })

  it.each([
    [timer('{"from":"2021-02-01",'), /payload of timer trigger "daily-catch-up" is not JSON/],
    [timer('{"form":"2021-02-01"}'), /payload of timer trigger "daily-catch-up": unknown field "form" \(allowed: from, to, prefix, resume\)/],
    [timer('{"batch":["a"]}'), /unknown field "batch"/],
    [timer('[1,2]'), /must be a JSON object/],
    ['{"from":20210201}', /event: "from" must be a string, got 20210201/],
    ['not json', /event is not JSON/],
    ['{"batch":[]}', /"batch" must be a non-empty array of archive keys/],
    ['{"batch":["a"],"from":"2021-02-01"}', /batch event: unknown field "from"/],
  ])('refuses %s with a clear InvalidEventError', (event, message) => {
    expect(() => parseBackfillEvent(event)).toThrow(InvalidEventError)
    expect(() => parseBackfillEvent(event)).toThrow(message)
  })
})
