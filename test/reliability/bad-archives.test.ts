import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { type ArchiveOptions, encodeBody, putArchive } from '../../lib/demo/archive.js'
import { type Manifest, readManifest } from '../../lib/ledger/manifest.js'
import { type ArchiveResult, type PipelineOptions, processArchive } from '../../lib/pipeline.js'
import { type Outcome, processArchives } from '../../lib/run-archives.js'
import { testPipeline } from '../support/pipeline.js'
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
  manifests,
  quarantineRecords,
  sorted,
  type TestEvent,
  tableIds,
} from './harness.js'

/**
 * Whole archives that cannot be read. Each scenario processes a good archive beside the bad one,
 * so the table must hold exactly the good archive's events: nothing lost, nothing from the bad one.
 */

const GOOD = [...cccEvents('good', 3), ecsEvent('good-ecs')]
const BAD = [...cccEvents('bad', 4), ecsEvent('bad-ecs')]
const goodIds = () => sorted(idsOf(GOOD.slice(0, 3)))

async function scenario(bad: ArchiveOptions & { events?: TestEvent[] }, options: Partial<PipelineOptions> = {}) {
  const { log, lines } = captureLog()
  const pipeline = await testPipeline({ log, options })
  const goodKey = await putArchive(pipeline.source, GOOD, { deliveredAt: new Date('2021-02-03T04:20:00Z') })
  const badKey = await putArchive(pipeline.source, bad.events ?? BAD, bad)
  const good = await processArchive(pipeline, goodKey)
  const result = await processArchive(pipeline, badKey)
  expect(good).toMatchObject({ status: 'written', counts: { events: 4, rows: 3, nonCcc: 1, quarantined: 0 } })
  return {
    pipeline,
    good,
    result,
    lines,
    manifestOf: async () => readManifest(pipeline.dest, (await manifests(pipeline.dest)).find((k) => k.includes(badKey))!),
  }
}

type Scenario = Awaited<ReturnType<typeof scenario>>

/** What a user sees for a quarantined archive, and proof that nothing of it reached the table. */
async function expectArchiveQuarantined(s: Scenario, reason: string, message: RegExp, claimed: number): Promise<void> {
  const { result, pipeline, lines } = s
  expect(result).toMatchObject({ status: 'quarantined', reason, files: 0, counts: { events: claimed, rows: 0, nonCcc: 0, quarantined: claimed } })
  expect(result.message).toMatch(message)
  const [record] = await quarantineRecords(pipeline.dest)
  expectRecordOf(record, result, 'archive', reason)
  expect(record.message).toBe(result.message)
  expect(record.events).toBeUndefined()
  expect(archiveLine(lines, result.key)).toMatchObject({
    level: 'warn',
    message: `archive quarantined: ${result.message}`,
    source: result.key,
    etag: result.etag,
    status: 'quarantined',
    reason,
    events: claimed,
    rows: 0,
    nonCcc: 0,
    quarantined: claimed,
    files: 0,
  })
  // The manifest marks it done, so reruns and backfills skip it until a replay.
  const manifest: Manifest = await s.manifestOf()
  expect(manifest).toMatchObject({ status: 'quarantined', etag: result.etag, outputs: [], quarantine: `_quarantine/${result.key}@${result.etag}.json` })
  expect((await processArchive(pipeline, result.key)).status).toBe('already_done')
  expectAccountedExactly([s.good, result], await tableIds(pipeline.destRoot), goodIds())
  expect(await quarantineRecords(pipeline.dest)).toHaveLength(1)
}

/** An archive that holds nothing to write: committed, zero files, table unchanged. */
async function expectWrittenEmpty(s: Scenario, counts: ArchiveResult['counts']): Promise<void> {
  const { result, pipeline, lines } = s
  expect(result).toMatchObject({ status: 'written', files: 0, counts })
  expect(result.reason).toBeUndefined()
  expect(archiveLine(lines, result.key)).toMatchObject({ level: 'info', message: 'archive written', status: 'written', ...counts, files: 0 })
  expect(await s.manifestOf()).toMatchObject({ status: 'written', outputs: [], counts })
  expect(await quarantineRecords(pipeline.dest)).toEqual([])
  expect(await dataFiles(pipeline.dest)).toHaveLength(1) // the good archive's one partition
  expectAccountedExactly([s.good, result], await tableIds(pipeline.destRoot), goodIds())
}

describe('bad archives: quarantined whole, the invocation succeeds', () => {
  it('not gzip (plain JSON uploaded as .gz) -> not_gzip', async () => {
    const s = await scenario({ body: encodeBody(BAD), eventCount: 5 })
    await expectArchiveQuarantined(s, 'not_gzip', /^not a gzip file \(starts with "\[\{"\)$/, 5)
  })

  it('truncated gzip (upload cut in half) -> truncated_gzip', async () => {
    const zipped = gzipSync(encodeBody(BAD))
    const s = await scenario({ body: zipped.subarray(0, Math.floor(zipped.length / 2)), eventCount: 5 })
    await expectArchiveQuarantined(s, 'truncated_gzip', /^gzip stream ends early after \d+ decompressed bytes \(truncated upload\?\)$/, 5)
  })

  it('corrupt gzip (flipped bytes in the deflate data) -> corrupt_gzip', async () => {
    const zipped = gzipSync(encodeBody(BAD))
    const corrupt = Buffer.from(zipped)
    for (let i = 12; i < 40; i++) corrupt[i] ^= 0xff
    const s = await scenario({ body: corrupt, eventCount: 5 })
    await expectArchiveQuarantined(s, 'corrupt_gzip', /^gzip data is corrupt: /, 5)
  })

  it('gzip of JSON that ends inside an event -> invalid_json', async () => {
    const text = encodeBody(BAD).toString('utf8')
    const s = await scenario({ body: gzipSync(text.slice(0, Math.floor(text.length * 0.6))), eventCount: 5 })
    await expectArchiveQuarantined(s, 'invalid_json', /^JSON ends inside an event after \d+ complete events \(truncated body\?\)$/, 5)
  })

  it('gzip of structurally broken JSON (unbalanced brackets) -> invalid_json', async () => {
    const s = await scenario({ body: gzipSync(encodeBody(BAD).toString('utf8') + ']'), eventCount: 5 })
    await expectArchiveQuarantined(s, 'invalid_json', /^malformed JSON near byte \d+: /, 5)
  })

  for (const [label, body] of [
    ['a string', '"hello"'],
    ['a number', '42'],
    ['HTML', '<html><body>503</body></html>'],
    ['null', 'null'],
  ] as const) {
    it(`JSON that is neither array, NDJSON nor {"Records":[...]} (${label}) -> unknown_body_format`, async () => {
      const s = await scenario({ body: gzipSync(body), eventCount: 5 })
      await expectArchiveQuarantined(s, 'unknown_body_format', /^body starts with .*: not a JSON array, \{"Records":\[\.\.\.\]\} or NDJSON$/, 5)
    })
  }

  it('an object wrapping the events under another name is one element, caught by the count check -> event_count_mismatch', async () => {
    const s = await scenario({ body: gzipSync(JSON.stringify({ Events: BAD })), eventCount: 5 })
    await expectArchiveQuarantined(s, 'event_count_mismatch', /^the key says 5 events, the archive holds 1$/, 5)
  })

  it('zero-byte object -> empty_object', async () => {
    const s = await scenario({ body: Buffer.alloc(0), eventCount: 5 })
    await expectArchiveQuarantined(s, 'empty_object', /^the object is empty \(0 bytes\)$/, 5)
  })

  it('event count disagreeing with the key -> event_count_mismatch', async () => {
    const s = await scenario({ events: BAD, eventCount: 7 })
    await expectArchiveQuarantined(s, 'event_count_mismatch', /^the key says 7 events, the archive holds 5$/, 7)
  })
})

describe('archives with nothing to write: committed, no files', () => {
  it('gzip of an empty body', async () => {
    const s = await scenario({ body: gzipSync(Buffer.alloc(0)), eventCount: 0 })
    await expectWrittenEmpty(s, { events: 0, rows: 0, nonCcc: 0, quarantined: 0 })
  })

  it('gzip of [] and of {"Records":[]}', async () => {
    for (const body of ['[]', '{"Records":[]}']) {
      const s = await scenario({ body: gzipSync(body), eventCount: 0 })
      await expectWrittenEmpty(s, { events: 0, rows: 0, nonCcc: 0, quarantined: 0 })
    }
  })

  it('an archive with no CCC events: all counted as non-CCC', async () => {
    const s = await scenario({ events: [ecsEvent('x1'), ecsEvent('x2'), { eventId: 'x3', serviceName: 'Oss', eventTime: 'not a time' }] })
    await expectWrittenEmpty(s, { events: 3, rows: 0, nonCcc: 3, quarantined: 0 })
  })
})

describe('event count check switched off (VERIFY_EVENT_COUNT=false)', () => {
  it('writes an archive whose key disagrees, counting the events it really holds', async () => {
    const s = await scenario({ events: BAD, eventCount: 7 }, { verifyEventCount: false })
    expect(s.result).toMatchObject({ status: 'written', files: 1, counts: { events: 5, rows: 4, nonCcc: 1, quarantined: 0 } })
    expect(archiveLine(s.lines, s.result.key)).toMatchObject({ level: 'info', status: 'written', events: 5, rows: 4 })
    expect(await quarantineRecords(s.pipeline.dest)).toEqual([])
    expectAccountedExactly([s.good, s.result], await tableIds(s.pipeline.destRoot), [...goodIds(), ...idsOf(BAD.slice(0, 4))])
  })
})

describe('objects under the prefix that are not API archives', () => {
  it('are skipped with a reason and counted, without touching the destination', async () => {
    const { log, lines } = captureLog()
    const pipeline = await testPipeline({ log })
    const good = await putArchive(pipeline.source, GOOD)
    const gz = gzipSync(encodeBody([cccEvent('insight-1')]))
    const others = {
      'AliyunLogs/Actiontrail-Insight/cn-shanghai/2021/02/03/Actiontrail-Insight_cn-shanghai_20210203041500_1002_1_40_abc.gz': 'insight_archive',
      'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/readme.txt': 'not_an_archive',
      'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/Actiontrail_cn-shanghai_20210203041500_1002_1_40_abc.json': 'not_an_archive',
      'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/': 'not_an_archive',
    }
    for (const key of Object.keys(others)) await pipeline.source.put(key, gz)
    const outcomes: Outcome[] = []
    const summary = await processArchives(pipeline, [good, ...Object.keys(others)], { concurrency: 2, onOutcome: (o) => outcomes.push(o) })
    expect(summary).toMatchObject({ archives: 5, written: 1, skipped: 4, quarantined: 0, failed: 0, counts: { events: 4, rows: 3, nonCcc: 1, quarantined: 0 } })
    for (const [key, reason] of Object.entries(others)) {
      expect(outcomes.find((o) => o.key === key)).toMatchObject({ status: 'skipped', reason, files: 0, counts: { events: 0 } })
      expect(archiveLine(lines, key)).toMatchObject({ level: 'info', message: 'archive skipped', status: 'skipped', reason })
    }
    expect(await manifests(pipeline.dest)).toHaveLength(1)
    expect(await quarantineRecords(pipeline.dest)).toEqual([])
    expectAccountedExactly([...(outcomes as ArchiveResult[]), summary], await tableIds(pipeline.destRoot), goodIds())
  })

  it('an archive deleted before it is processed is reported missing, not failed', async () => {
    const { log, lines } = captureLog()
    const pipeline = await testPipeline({ log })
    const key = await putArchive(pipeline.source, GOOD)
    await pipeline.source.delete(key)
    const result = await processArchive(pipeline, key)
    expect(result).toMatchObject({ status: 'missing', reason: 'no_such_object', files: 0, counts: { events: 0 } })
    expect(archiveLine(lines, key)).toMatchObject({ level: 'info', status: 'missing', reason: 'no_such_object' })
    expect(await manifests(pipeline.dest)).toEqual([])
    expectAccountedExactly([result], await tableIds(pipeline.destRoot), [])
  })
})
