import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runBackfill } from '../../lib/backfill/run-backfill.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { handleBackfillEvent } from '../../lib/handlers/backfill.js'
import { silentLogger } from '../../lib/log.js'
import { localTable } from '../../lib/query/local-table.js'
import type { Outcome } from '../../lib/run-archives.js'
import { OssStorage } from '../../lib/storage/oss.js'
import { queryTable } from '../support/duck.js'
import { type FcServer, startFcServer } from '../support/fc-server.js'
import { resetFaultsAfterEach } from '../support/oss-fixture.js'
import { type OssServer, startOssServer } from '../support/oss-server.js'
import { TEST_OPTIONS } from '../support/pipeline.js'
import { tempDir } from '../support/temp.js'

const credentials = { accessKeyId: 'LTAI5tBackfillKey', accessKeySecret: 'backfill-secret', securityToken: 'backfill-token' }

let oss: OssServer
let fc: FcServer
beforeAll(async () => {
  oss = await startOssServer({ ...credentials, buckets: ['trail', 'lake'] })
  fc = await startFcServer()
})
afterAll(async () => {
  await fc.close()
  await oss.close()
})
resetFaultsAfterEach(() => oss)

const bucket = (name: string) => new OssStorage({ bucket: name, endpoint: oss.endpoint, ...credentials, retryBaseMs: 5, timeoutMs: 5_000 })

describe('backfill against the OSS-protocol server', () => {
  it('backfills 300 archives over three days, then a rerun reads no archive again', async () => {
    const source = bucket('trail')
    const corpus = await generateCorpus(source, {
      prefix: 'audit/',
      startDate: '2021-03-30',
      days: 3,
      archivesPerDay: 50,
      eventsPerArchive: 3,
      regions: ['cn-shanghai', 'cn-shenzhen'],
      seed: 5,
    })
    expect(corpus.archives).toBe(300)
    const pipeline = { source, dest: bucket('lake'), destPrefix: 'ccc/', log: silentLogger, options: TEST_OPTIONS }
    const window = { from: '2021-03-30', to: '2021-04-01' }

    const first = await runBackfill(pipeline, { sourcePrefix: 'audit/', window, concurrency: 8 })
    expect(first.plan).toMatchObject({ listed: 300, done: 0, pending: 300 })
    expect(first.run).toMatchObject({ written: 300, failed: 0, counts: { events: corpus.events, rows: corpus.cccEvents, nonCcc: corpus.nonCccEvents } })

    const before = oss.requests.length
    const second = await runBackfill(pipeline, { sourcePrefix: 'audit/', window, concurrency: 8 })
    expect(second.plan).toMatchObject({ listed: 300, done: 300, pending: 0 })
    const requests = oss.requests.slice(before)
    expect(requests.filter((r) => r.op !== 'ListObjects' && r.op !== 'ListObjectsV2')).toEqual([])
    // Root walk (Actiontrail/, 2 regions, their year folders) + per day: 2 day folders and 2 manifest folders.
    expect(requests.length).toBe(1 + 2 * 2 + 3 * 4)
  })

  it('runs the FC core on OSS: fans a window out to workers that fill the table', async () => {
    const source = bucket('trail')
    await generateCorpus(source, { prefix: 'fc/', startDate: '2021-05-01', days: 2, archivesPerDay: 20, eventsPerArchive: 3, seed: 9 })
    const pipeline = { source, dest: bucket('lake'), destPrefix: 'fc-table/', log: silentLogger, options: TEST_OPTIONS }
    const common = {
      pipeline,
      invoker: fc.invoker(),
      sourcePrefix: 'fc/',
      fanoutThreshold: 10,
      fanoutBatchSize: 8,
      concurrency: 4,
      maxWindowDays: 366,
      now: () => new Date('2021-05-02T12:00:00Z'),
      remainingMs: () => 600_000,
      marginMs: 10_000,
      log: silentLogger,
    }
    const worker = { ...common, selfName: 'worker', workerName: 'worker' }
    const written: number[] = []
    fc.onInvoke(async (_name, payload) => written.push((await handleBackfillEvent(worker, JSON.stringify(payload))).stats.written))
    try {
      const result = await handleBackfillEvent({ ...common, selfName: 'backfill', workerName: 'worker' }, '')
      expect(result).toMatchObject({ status: 'done', mode: 'fanout', pending: 40, stats: { batches: 5, dispatched: 40 } })
      await fc.drain()
    } finally {
      fc.onInvoke(async () => undefined)
    }
    expect(written.reduce((a, b) => a + b, 0)).toBe(40)
    const rerun = await handleBackfillEvent({ ...common, selfName: 'backfill', workerName: 'worker' }, '')
    expect(rerun).toMatchObject({ status: 'done', mode: 'inline', listed: 40, skippedDone: 40, pending: 0 })
  })

  it('retries through the OSS driver: an archive whose reads keep failing is a retryable failure, and the rerun writes it once', async () => {
    const source = bucket('trail')
    const corpus = await generateCorpus(source, {
      prefix: 'retry/',
      startDate: '2021-06-01',
      days: 1,
      archivesPerDay: 6,
      eventsPerArchive: 3,
      regions: ['cn-shanghai'],
      seed: 13,
    })
    const pipeline = { source, dest: bucket('lake'), destPrefix: 'retry-table/', log: silentLogger, options: TEST_OPTIONS }
    const window = { from: '2021-06-01', to: '2021-06-01' }
    const [unlucky] = corpus.keys
    // The driver's whole budget (the first try and 3 retries) answered 503.
    oss.inject({ bucket: 'trail', op: 'GetObject', kind: '503', keyPrefix: unlucky, times: 4 })
    const outcomes: Outcome[] = []
    const first = await runBackfill(pipeline, { sourcePrefix: 'retry/', window, concurrency: 2, onOutcome: (o) => outcomes.push(o) })
    expect(first.run).toMatchObject({ archives: 6, written: 5, failed: 1 })
    expect(outcomes.filter((o) => o.status === 'failed')).toEqual([
      { key: unlucky, status: 'failed', retryable: true, message: expect.stringMatching(/GetObject .* failed after 4 attempt\(s\): ServiceUnavailable/) },
    ])
    expect(oss.requests.filter((r) => r.bucket === 'trail' && r.key === unlucky && r.fault === '503')).toHaveLength(4)

    const rerun = await runBackfill(pipeline, { sourcePrefix: 'retry/', window, concurrency: 2 })
    expect(rerun.plan).toMatchObject({ listed: 6, done: 5, pending: 1 })
    expect(rerun.run).toMatchObject({ archives: 1, written: 1, failed: 0 })
    expect(first.run.counts.rows + rerun.run.counts.rows).toBe(corpus.cccEvents)
    const mirror = await localTable(
      { storage: pipeline.dest, prefix: 'retry-table/', spec: { kind: 'oss', bucket: 'lake', prefix: 'retry-table/' } },
      await tempDir('ccc-mirror'),
    )
    const [counts] = await queryTable(mirror, 'select count(*) as n, count(distinct event_id) as d from ccc_events')
    expect({ rows: Number(counts!.n), distinctEvents: Number(counts!.d) }).toEqual({ rows: corpus.cccEvents, distinctEvents: corpus.cccEvents })
  })

  it('the FC backfill throws RetryableError when OSS keeps failing for one archive of its batch; the retried batch skips what is done', async () => {
    const source = bucket('trail')
    const corpus = await generateCorpus(source, {
      prefix: 'fc-retry/',
      startDate: '2021-06-02',
      days: 1,
      archivesPerDay: 5,
      eventsPerArchive: 3,
      regions: ['cn-shanghai'],
      seed: 17,
    })
    const pipeline = { source, dest: bucket('lake'), destPrefix: 'fc-retry-table/', log: silentLogger, options: TEST_OPTIONS }
    const d = {
      pipeline,
      invoker: fc.invoker(),
      sourcePrefix: 'fc-retry/',
      fanoutThreshold: 100,
      fanoutBatchSize: 8,
      concurrency: 2,
      maxWindowDays: 366,
      now: () => new Date('2021-06-03T12:00:00Z'),
      remainingMs: () => 600_000,
      marginMs: 10_000,
      log: silentLogger,
      selfName: 'worker',
      workerName: 'worker',
    }
    oss.inject({ bucket: 'trail', op: 'GetObject', kind: 'SlowDown', keyPrefix: corpus.keys[2], times: 4 })
    const batch = JSON.stringify({ batch: corpus.keys })
    await expect(handleBackfillEvent(d, batch)).rejects.toThrow(/1 of 5 archives failed transiently/)
    expect(await handleBackfillEvent(d, batch)).toMatchObject({ status: 'done', stats: { written: 1 } })
  })
})
