import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { handleBackfillEvent } from '../../lib/handlers/backfill.js'
import { runBackfill } from '../../lib/backfill/run-backfill.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { silentLogger } from '../../lib/log.js'
import { OssStorage } from '../../lib/storage/oss.js'
import { startFcServer, type FcServer } from '../fc/fc-server.js'
import { startOssServer, type OssServer } from '../support/oss-server.js'
import { TEST_OPTIONS } from '../support/pipeline.js'

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

const bucket = (name: string) => new OssStorage({ bucket: name, endpoint: oss.endpoint, ...credentials, retryBaseMs: 5, timeoutMs: 5_000 })

describe('backfill against the OSS-protocol server', () => {
  it('backfills 300 archives over three days, then a rerun reads no archive again', async () => {
    const source = bucket('trail')
    const corpus = await generateCorpus(source, { prefix: 'audit/', startDate: '2021-03-30', days: 3, archivesPerDay: 50, eventsPerArchive: 3, regions: ['cn-shanghai', 'cn-shenzhen'], seed: 5 })
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
    const common = { pipeline, invoker: fc.invoker(), sourcePrefix: 'fc/', fanoutThreshold: 10, fanoutBatchSize: 8, concurrency: 4, maxWindowDays: 366, now: () => new Date('2021-05-02T12:00:00Z'), remainingMs: () => 600_000, marginMs: 10_000, log: silentLogger }
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
})
