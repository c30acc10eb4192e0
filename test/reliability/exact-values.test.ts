import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { processArchive } from '../../lib/pipeline.js'
import { queryTable } from '../support/duck.js'
import { expectAccounted, testPipeline } from '../support/pipeline.js'
import { cccEvent, quarantineRecords } from './harness.js'

/** What the table holds for values a naive reader would alter: numbers past 2^53 and text that is not valid UTF-8. */

async function table(body: Buffer, eventCount: number, sql: string) {
  const pipeline = await testPipeline()
  const key = await putArchive(pipeline.source, [], { body: gzipSync(body), eventCount })
  const result = await processArchive(pipeline, key)
  expectAccounted(result)
  return { result, rows: await queryTable(pipeline.destRoot, sql), pipeline }
}

describe('numbers keep every digit', () => {
  it('integers beyond 2^53 as id columns hold the exact digits, and JSON columns the original literal', async () => {
    const text = JSON.stringify(
      cccEvent('big', {
        requestParameters: { InstanceId: 'ccc-1', CallId: 'CALL', Nested: [{ Seq: 'SEQ' }] },
        responseElements: { Small: 42, Float: 1.5, Huge: 'HUGE' },
      }),
    )
      .replace('"principalId":"239218489119881"', '"principalId":201553751340157473')
      .replace('"accountId":"1059804828509"', '"accountId":9007199254740993')
      .replace('"CALL"', '123456789012345678901')
      .replace('"SEQ"', '-98765432109876543210')
      .replace('"HUGE"', '1e400')
    const { result, rows } = await table(Buffer.from(`[${text}]`), 1, 'SELECT principal_id, account_id, request_parameters, response_elements FROM ccc_events')
    expect(result.counts).toEqual({ events: 1, rows: 1, nonCcc: 0, quarantined: 0 })
    expect(rows).toEqual([
      {
        principal_id: '201553751340157473',
        account_id: '9007199254740993',
        request_parameters: '{"CallId":123456789012345678901,"InstanceId":"ccc-1","Nested":[{"Seq":-98765432109876543210}]}',
        response_elements: '{"Float":1.5,"Huge":1e400,"Small":42}',
      },
    ])
  })

  it('an event without such a literal takes the fast parse and gives the same text for the same values', async () => {
    const text = JSON.stringify(cccEvent('small', { requestParameters: { CallId: 9007199254740991, Id: '123456789012345678901' } }))
    const { rows } = await table(Buffer.from(`[${text}]`), 1, 'SELECT request_parameters FROM ccc_events')
    expect(rows).toEqual([{ request_parameters: '{"CallId":9007199254740991,"Id":"123456789012345678901"}' }])
  })
})

/** `text` with the `@` of its first `marker` replaced by raw bytes. */
function withBytes(text: Buffer, marker: string, bytes: number[]): Buffer {
  const at = text.indexOf(marker) + marker.length - 1
  return Buffer.concat([text.subarray(0, at), Buffer.from(bytes), text.subarray(at + 1)])
}

describe('invalid UTF-8 and lone surrogates', () => {
  it('bytes that are not UTF-8 become U+FFFD, in columns and in the partition name; a lone surrogate escape stays an escape in JSON columns', async () => {
    const text = JSON.stringify(cccEvent('bad-utf8', { eventName: 'List@Config', userAgent: 'agent-@', requestParameters: { Note: 'lone-\\ud800' } })).replace(
      'lone-\\\\ud800',
      'lone-\\ud800',
    )
    const bytes = withBytes(withBytes(Buffer.from(text), 'List@', [0xff]), 'agent-@', [0xc3])
    const { result, rows } = await table(
      Buffer.concat([Buffer.from('['), bytes, Buffer.from(']')]),
      1,
      'SELECT event_name, user_agent, request_parameters FROM ccc_events',
    )
    expect(result.counts).toEqual({ events: 1, rows: 1, nonCcc: 0, quarantined: 0 })
    expect(rows).toEqual([{ event_name: 'List\ufffdConfig', user_agent: 'agent-\ufffd', request_parameters: '{"Note":"lone-\\ud800"}' }])
  })

  it('a lone surrogate in a text column is written as U+FFFD', async () => {
    const text = JSON.stringify(cccEvent('lone', { userAgent: 'x\ud800y', eventName: 'Name\udc00' }))
    expect(text).toContain('\\ud800')
    const { rows, pipeline } = await table(Buffer.from(`[${text}]`), 1, 'SELECT event_name, user_agent FROM ccc_events')
    expect(rows).toEqual([{ event_name: 'Name\ufffd', user_agent: 'x\ufffdy' }])
    expect(await quarantineRecords(pipeline.dest)).toEqual([])
  })
})

describe('event names that store alike share one partition', () => {
  it('"", [] and a missing name are one __HIVE_DEFAULT_PARTITION__ file; two different lone surrogates are one U+FFFD file; no row is overwritten', async () => {
    const events = [
      cccEvent('empty', { eventName: '' }),
      cccEvent('array', { eventName: [] }),
      cccEvent('missing', { eventName: undefined }),
      cccEvent('high', { eventName: 'X\ud800' }),
      cccEvent('low', { eventName: 'X\udc00' }),
      cccEvent('replacement', { eventName: 'X\ufffd' }),
    ]
    const { result, rows, pipeline } = await table(Buffer.from(JSON.stringify(events)), 6, 'SELECT event_id, event_name FROM ccc_events ORDER BY event_id')
    expect(result).toMatchObject({ status: 'written', files: 2, counts: { rows: 6, quarantined: 0 } })
    expect(rows).toEqual([
      { event_id: 'array', event_name: null },
      { event_id: 'empty', event_name: null },
      { event_id: 'high', event_name: 'X\ufffd' },
      { event_id: 'low', event_name: 'X\ufffd' },
      { event_id: 'missing', event_name: null },
      { event_id: 'replacement', event_name: 'X\ufffd' },
    ])
    expect(await quarantineRecords(pipeline.dest)).toEqual([])
  })
})
