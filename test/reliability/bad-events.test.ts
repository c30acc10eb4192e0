import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { encodeBody, putArchive } from '../../lib/demo/archive.js'
import { HIVE_DEFAULT_PARTITION } from '../../lib/layout.js'
import { type PipelineOptions, processArchive } from '../../lib/pipeline.js'
import { queryTable } from '../support/duck.js'
import { expectAccounted, testPipeline } from '../support/pipeline.js'
import {
  archiveLine,
  captureLog,
  cccEvent,
  cccEvents,
  dataFiles,
  ecsEvent,
  expectAccountedExactly,
  expectRecordOf,
  idsOf,
  maskedAccountIdJson,
  quarantineRecords,
  sorted,
  type TestEvent,
  tableIds,
} from './harness.js'

/**
 * Single events that cannot be placed: each goes to the archive's quarantine record with its
 * reason and position, every other event of the archive is written.
 */

async function run(events: TestEvent[] | { body: Buffer; eventCount: number }, options: Partial<PipelineOptions> = {}) {
  const { log, lines } = captureLog()
  const pipeline = await testPipeline({ log, options })
  const key = Array.isArray(events) ? await putArchive(pipeline.source, events) : await putArchive(pipeline.source, [], events)
  const result = await processArchive(pipeline, key)
  expectAccounted(result)
  return { pipeline, result, line: archiveLine(lines, key) }
}

type Run = Awaited<ReturnType<typeof run>>

/** The archive is written; its quarantine record lists exactly `expected` (index, reason, and more). */
async function expectEventsQuarantined({ pipeline, result, line }: Run, expected: Record<string, unknown>[], rows: number): Promise<void> {
  expect(result).toMatchObject({ status: 'written', counts: { rows, quarantined: expected.length } })
  expect(line).toMatchObject({ level: 'info', message: 'archive written', status: 'written', rows, quarantined: expected.length })
  const records = await quarantineRecords(pipeline.dest)
  expect(records).toHaveLength(1)
  const [record] = records
  expectRecordOf(record, result, 'events', String(expected[0].reason))
  expect(record.message).toMatch(new RegExp(`^${expected.length} event\\(s\\) could not be placed; first: `))
  expect(record.events).toHaveLength(expected.length)
  for (const [i, event] of record.events!.entries()) expect(event).toMatchObject(expected[i])
}

describe('bad events: quarantined one by one, the rest of the archive written', () => {
  it('an unquoted masked number ("accountId": 1234****5678) -> event_invalid_json, only that event', async () => {
    const events = cccEvents('ok', 4)
    const texts = events.map((e) => JSON.stringify(e))
    texts.splice(2, 0, maskedAccountIdJson(cccEvent('masked')))
    expect(texts[2]).toContain('1234****5678')
    const r = await run({ body: gzipSync(`[${texts.join(',')}]`), eventCount: 5 })
    await expectEventsQuarantined(r, [{ index: 2, reason: 'event_invalid_json', message: expect.stringMatching(/JSON/), raw: texts[2] }], 4)
    expect(r.result.counts).toEqual({ events: 5, rows: 4, nonCcc: 0, quarantined: 1 })
    expectAccountedExactly([r.result], await tableIds(r.pipeline.destRoot), idsOf(events))
  })

  it('the same in NDJSON and {"Records":[...]} bodies', async () => {
    for (const form of ['ndjson', 'records'] as const) {
      const events = cccEvents(form, 3)
      const text = encodeBody(events, form).toString('utf8').replace(JSON.stringify(events[0]), maskedAccountIdJson(events[0]))
      const r = await run({ body: gzipSync(text), eventCount: 3 })
      await expectEventsQuarantined(r, [{ index: 0, reason: 'event_invalid_json' }], 2)
      expectAccountedExactly([r.result], await tableIds(r.pipeline.destRoot), idsOf(events.slice(1)))
    }
  })

  it('an event without eventTime -> event_time_missing; an unparseable one -> event_time_invalid', async () => {
    const good = cccEvents('ok', 2)
    const events = [
      good[0],
      cccEvent('no-time', { eventTime: undefined }),
      cccEvent('empty-time', { eventTime: '' }),
      cccEvent('words', { eventTime: 'yesterday' }),
      cccEvent('no-zone', { eventTime: '2021-02-03T04:10:08' }),
      cccEvent('bad-date', { eventTime: '2021-13-45T99:00:00Z' }),
      cccEvent('object', { eventTime: { at: 1 } }),
      good[1],
    ]
    const r = await run(events)
    await expectEventsQuarantined(
      r,
      [
        { index: 1, reason: 'event_time_missing', message: 'event has no eventTime', raw: JSON.stringify(events[1]) },
        { index: 2, reason: 'event_time_missing' },
        { index: 3, reason: 'event_time_invalid', message: 'eventTime "yesterday" is not an ISO-8601 time' },
        { index: 4, reason: 'event_time_invalid' },
        { index: 5, reason: 'event_time_invalid' },
        { index: 6, reason: 'event_time_invalid' },
      ],
      2,
    )
    expectAccountedExactly([r.result], await tableIds(r.pipeline.destRoot), idsOf(good))
  })

  it('elements that are not objects -> event_not_object', async () => {
    const good = cccEvents('ok', 2)
    const r = await run({ body: gzipSync(`[${JSON.stringify(good[0])}, 17, "text", null, [1,2], ${JSON.stringify(good[1])}]`), eventCount: 6 })
    await expectEventsQuarantined(
      r,
      [1, 2, 3, 4].map((index) => ({ index, reason: 'event_not_object' })),
      2,
    )
    expectAccountedExactly([r.result], await tableIds(r.pipeline.destRoot), idsOf(good))
  })

  it('the same eventId twice in one archive -> one row and one duplicate_event_id', async () => {
    const events = [...cccEvents('ok', 3), ecsEvent('ecs-1')]
    const again = { ...events[1], eventName: 'ListUsers' }
    const r = await run([...events, again])
    await expectEventsQuarantined(
      r,
      [{ index: 4, reason: 'duplicate_event_id', eventId: 'ok-1', message: 'eventId ok-1 appears earlier in this archive', raw: JSON.stringify(again) }],
      3,
    )
    expect(r.result.counts).toEqual({ events: 5, rows: 3, nonCcc: 1, quarantined: 1 })
    // The first copy is kept.
    expect(await queryTable(r.pipeline.destRoot, `SELECT event_id, event_name FROM ccc_events WHERE event_id = 'ok-1'`)).toEqual([
      { event_id: 'ok-1', event_name: 'ListConfig' },
    ])
    expectAccountedExactly([r.result], await tableIds(r.pipeline.destRoot), idsOf(events.slice(0, 3)))
  })
})

describe('large events', () => {
  const big = (id: string, bytes: number) => cccEvent(id, { requestParameters: { ...(cccEvent(id).requestParameters as object), Payload: 'x'.repeat(bytes) } })

  it('a single 10 MB event is written whole', async () => {
    const events = [cccEvent('small-1'), big('big', 10 << 20), cccEvent('small-2')]
    const r = await run(events)
    expect(r.result).toMatchObject({ status: 'written', counts: { events: 3, rows: 3, nonCcc: 0, quarantined: 0 } })
    expect(await quarantineRecords(r.pipeline.dest)).toEqual([])
    const rows = await queryTable(
      r.pipeline.destRoot,
      `SELECT event_id, length(request_parameters) AS n, json_extract_string(request_parameters, '$.Payload') = repeat('x', ${10 << 20}) AS intact FROM ccc_events ORDER BY event_id`,
    )
    expect(rows.map((row) => [row.event_id, row.intact])).toEqual([
      ['big', true],
      ['small-1', null],
      ['small-2', null],
    ])
    expect(Number(rows[0].n)).toBeGreaterThan(10 << 20)
    expectAccountedExactly([r.result], await tableIds(r.pipeline.destRoot), idsOf(events))
  })

  it('an event over MAX_EVENT_BYTES -> event_too_large, its neighbours written', async () => {
    const events = [cccEvent('small-1'), big('too-big', 2 << 20), cccEvent('small-2'), big('just-fits', 900 << 10)]
    const r = await run(events, { maxEventBytes: 1 << 20 })
    await expectEventsQuarantined(
      r,
      [{ index: 1, reason: 'event_too_large', message: expect.stringMatching(/^event of \d+ bytes exceeds MAX_EVENT_BYTES$/) }],
      3,
    )
    const [record] = await quarantineRecords(r.pipeline.dest)
    expect(record.events![0].raw).toBeUndefined() // too large to copy; the source archive keeps it
    expectAccountedExactly([r.result], await tableIds(r.pipeline.destRoot), ['just-fits', 'small-1', 'small-2'])
  })
})

describe('hostile event names', () => {
  const NAMES = ['../../x', 'a/b', '..', '.', '100%', 'k=v', 'a%2Fb', '呼叫中心', 'Tab\there', 'back\\slash', 'C:drive', '#?*[]{}^\'"']

  it('stay inside the destination and read back exactly through DuckDB hive partitioning', async () => {
    const events = NAMES.map((name, i) => cccEvent(`n${i}`, { eventName: name }))
    const r = await run([...events, cccEvent('empty', { eventName: '' })])
    expect(r.result).toMatchObject({ status: 'written', files: NAMES.length + 1, counts: { rows: NAMES.length + 1, quarantined: 0 } })
    const files = await dataFiles(r.pipeline.dest)
    expect(files).toHaveLength(NAMES.length + 1)
    for (const file of files) expect(file).toMatch(/^dt=2021-02-03\/event_name=[^/]+\/part-[0-9a-f]{16}-[0-9a-f]{8}\.parquet$/)
    expect(files.filter((f) => f.includes(`event_name=${HIVE_DEFAULT_PARTITION}/`))).toHaveLength(1)
    // Nothing but the table, its metadata and quarantine at the top of the destination.
    expect(sorted(await readdir(r.pipeline.destRoot))).toEqual(['_ccc_trail', 'dt=2021-02-03'])
    expect(await readdir(path.join(r.pipeline.destRoot, 'dt=2021-02-03'))).toHaveLength(NAMES.length + 1)
    const rows = await queryTable(r.pipeline.destRoot, 'SELECT event_id, event_name FROM ccc_events')
    const byId = Object.fromEntries(rows.map((row) => [row.event_id, row.event_name]))
    expect(byId).toEqual({ ...Object.fromEntries(NAMES.map((name, i) => [`n${i}`, name])), empty: null })
    expectAccountedExactly([r.result], await tableIds(r.pipeline.destRoot), [...NAMES.map((_, i) => `n${i}`), 'empty'])
  })

  it('a missing or null eventName lands in __HIVE_DEFAULT_PARTITION__ and reads as NULL', async () => {
    const r = await run([cccEvent('missing', { eventName: undefined }), cccEvent('named')])
    expect(r.result).toMatchObject({ status: 'written', files: 2, counts: { rows: 2 } })
    expect(await queryTable(r.pipeline.destRoot, 'SELECT event_id, event_name FROM ccc_events ORDER BY 1')).toEqual([
      { event_id: 'missing', event_name: null },
      { event_id: 'named', event_name: 'ListConfig' },
    ])
    expectAccountedExactly([r.result], await tableIds(r.pipeline.destRoot), ['missing', 'named'])
    const other = await run([cccEvent('null-name', { eventName: null })])
    expect(await queryTable(other.pipeline.destRoot, 'SELECT event_id, event_name FROM ccc_events')).toEqual([{ event_id: 'null-name', event_name: null }])
    expectAccountedExactly([other.result], await tableIds(other.pipeline.destRoot), ['null-name'])
  })

  it('an empty and a missing eventName in one archive share __HIVE_DEFAULT_PARTITION__ without losing a row', async () => {
    const pipeline = await testPipeline()
    const key = await putArchive(pipeline.source, [
      cccEvent('empty', { eventName: '' }),
      cccEvent('missing', { eventName: undefined }),
      cccEvent('null', { eventName: null }),
    ])
    const result = await processArchive(pipeline, key)
    expect(result).toMatchObject({ status: 'written', files: 1, counts: { rows: 3 } })
    expect(await dataFiles(pipeline.dest)).toHaveLength(1)
    expectAccountedExactly([result], await tableIds(pipeline.destRoot), ['empty', 'missing', 'null'])
  })
})
