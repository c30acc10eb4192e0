import type { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeBody, putArchive } from '../../lib/demo/archive.js'
import { MANIFEST_DIR, QUARANTINE_DIR } from '../../lib/layout.js'
import type { Counts } from '../../lib/ledger/manifest.js'
import { type Pipeline, processArchive } from '../../lib/pipeline.js'
import { localTable } from '../../lib/query/local-table.js'
import { processArchives } from '../../lib/run-archives.js'
import { OssStorage } from '../../lib/storage/oss.js'
import type { ListOptions, ListPage, ObjectInfo, Storage } from '../../lib/storage/types.js'
import { type OssServer, startOssServer } from '../support/oss-server.js'
import { afterCrashedLeases, testPipeline } from '../support/pipeline.js'
import { tempDir } from '../support/temp.js'
import { cccEvent, dataFiles, ecsEvent, expectAccountedExactly, idsOf, keysUnder, manifests, quarantineKeys, quarantineRecords, tableIds } from './harness.js'

/**
 * At-least-once delivery and crashes: a process killed half way, a trigger delivered twice (one
 * after the other, or at once). Reruns overwrite the same file names; rows are never duplicated.
 */

const EVENTS = [
  cccEvent('e1', { eventName: 'ListConfig' }),
  cccEvent('e2', { eventName: 'ListUsers' }),
  cccEvent('e3', { eventName: 'GetInstance' }),
  cccEvent('late', { eventTime: undefined }),
  ecsEvent('x1'),
]
const CCC_IDS = ['e1', 'e2', 'e3']

class Crash extends Error {}

/**
 * A storage driver that dies like a killed process: once `diesAt` matches an operation, that
 * operation and every later one fail, so no clean-up code can run either.
 */
class DyingStorage implements Storage {
  readonly description: string
  dead = false
  constructor(
    private readonly inner: Storage,
    private readonly diesAt: (op: string, key: string) => boolean,
  ) {
    this.description = inner.description
  }

  private check(op: string, key: string): void {
    if (this.dead || this.diesAt(op, key)) {
      this.dead = true
      throw new Crash(`process killed during ${op} ${key}`)
    }
  }

  async get(key: string): Promise<Readable> {
    this.check('get', key)
    return this.inner.get(key)
  }
  async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    this.check('put', key)
    return this.inner.put(key, body)
  }
  async putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    this.check('put', key)
    return this.inner.putStream(key, body)
  }
  async putIfAbsent(key: string, body: Uint8Array | string): Promise<ObjectInfo | undefined> {
    this.check('put', key)
    return this.inner.putIfAbsent(key, body)
  }
  async head(key: string): Promise<ObjectInfo | undefined> {
    this.check('head', key)
    return this.inner.head(key)
  }
  async delete(key: string): Promise<void> {
    this.check('delete', key)
    return this.inner.delete(key)
  }
  /** Key by key, so that a death can fall in the middle of one request, as it may on OSS. */
  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.delete(key)
  }
  async list(prefix: string, options?: ListOptions): Promise<ListPage> {
    this.check('list', prefix)
    return this.inner.list(prefix, options)
  }
}

async function crashScenario(diesAt: (op: string, key: string) => boolean) {
  const pipeline = await testPipeline()
  const key = await putArchive(pipeline.source, EVENTS)
  const dying = new DyingStorage(pipeline.dest, diesAt)
  return { pipeline, key, crashing: { ...pipeline, dest: dying } satisfies Pipeline }
}

async function expectCleanlyDone(pipeline: Pipeline & { destRoot: string }, key: string, results: { counts: Counts }[]): Promise<void> {
  expect(await manifests(pipeline.dest)).toHaveLength(1)
  const [record, ...more] = await quarantineRecords(pipeline.dest)
  expect(more).toEqual([])
  expect(record).toMatchObject({ source: key, scope: 'events', reason: 'event_time_missing', counts: { events: 5, rows: 3, nonCcc: 1, quarantined: 1 } })
  expect(await dataFiles(pipeline.dest)).toHaveLength(3)
  expectAccountedExactly(results, await tableIds(pipeline.destRoot), CCC_IDS)
}

describe('a crash part way through, then a rerun', () => {
  const points: [string, (op: string, key: string) => boolean][] = [
    ['between the Parquet writes and the manifest write', (op, key) => op === 'put' && key.startsWith(MANIFEST_DIR)],
    ['between the Parquet writes and the quarantine record', (op, key) => op === 'put' && key.startsWith(QUARANTINE_DIR)],
    ['between two Parquet writes', (op, key) => op === 'put' && key.includes('event_name=ListUsers/')],
  ]
  for (const [when, diesAt] of points) {
    it(`${when}: the rerun overwrites the same file names, no duplicates`, async () => {
      const { pipeline, key, crashing } = await crashScenario(diesAt)
      await expect(processArchive(crashing, key)).rejects.toBeInstanceOf(Crash)
      const leftBehind = await dataFiles(pipeline.dest)
      expect(leftBehind.length).toBeGreaterThan(0)
      expect(await manifests(pipeline.dest)).toEqual([])
      // The rerun (FC retry, backfill, or the CLI) does not know a crash happened.
      const result = await processArchive(pipeline, key)
      expect(result).toMatchObject({ status: 'written', files: 3 })
      const files = await dataFiles(pipeline.dest)
      for (const file of leftBehind) expect(files).toContain(file)
      await expectCleanlyDone(pipeline, key, [result])
    })
  }

  it("after the manifest of a new version, before the old version's files were removed: the next run finishes the clean-up", async () => {
    const pipeline = await testPipeline()
    const key = await putArchive(pipeline.source, [cccEvent('old', { eventName: 'ListUsers' })])
    const first = await processArchive(pipeline, key)
    const oldFiles = await dataFiles(pipeline.dest)
    // The same key re-delivered with new content; the process dies once the new manifest is committed.
    await pipeline.source.put(key, gzipSync(encodeBody([cccEvent('new', { eventName: 'ListConfig' })])))
    const dying = new DyingStorage(pipeline.dest, (op) => op === 'delete')
    await expect(processArchive({ ...pipeline, dest: dying }, key)).rejects.toBeInstanceOf(Crash)
    expect(await dataFiles(pipeline.dest)).toEqual(expect.arrayContaining(oldFiles))
    expect(await manifests(pipeline.dest)).toHaveLength(2)
    const rerun = await processArchive(afterCrashedLeases(pipeline), key)
    expect(rerun.status).toBe('already_done')
    expect(await manifests(pipeline.dest)).toHaveLength(1)
    expectAccountedExactly([first, rerun], await tableIds(pipeline.destRoot), ['new'])
  })
})

describe('the same trigger delivered twice (OSS)', () => {
  const credentials = { accessKeyId: 'LTAI5tDeliveryKey', accessKeySecret: 'delivery-secret-Pq72' }
  let server: OssServer
  let buckets = 0
  beforeAll(async () => {
    server = await startOssServer(credentials)
  })
  afterAll(() => server.close())

  async function ossScenario() {
    const bucket = `delivery-${++buckets}`
    server.bucket(bucket)
    const storage = new OssStorage({ bucket, endpoint: server.endpoint, ...credentials, retryBaseMs: 1 })
    const pipeline = await testPipeline({ source: storage, dest: storage, destPrefix: 'lake/' })
    const key = await putArchive(storage, EVENTS, { prefix: 'trail/' })
    const snapshot = async () => Promise.all((await keysUnder(storage, 'lake/')).map(async (k) => [k, (await storage.head(k))!.etag]))
    const table = async () =>
      tableIds(await localTable({ storage, prefix: 'lake/', spec: { kind: 'oss', bucket, prefix: 'lake/' } }, await tempDir('ccc-mirror')))
    const puts = () => server.requests.filter((r) => r.bucket === bucket && r.op === 'PutObject').length
    return { storage, pipeline, key, snapshot, table, puts }
  }

  async function expectOnce(s: Awaited<ReturnType<typeof ossScenario>>, results: { counts: Counts }[]): Promise<void> {
    expect(await manifests(s.storage, 'lake/')).toHaveLength(1)
    expect(await quarantineKeys(s.storage, 'lake/')).toHaveLength(1)
    expect(await dataFiles(s.storage, 'lake/')).toHaveLength(3)
    expectAccountedExactly(results, await s.table(), CCC_IDS)
  }

  it('one after the other: the second is already_done and writes nothing', async () => {
    const s = await ossScenario()
    const first = await processArchive(s.pipeline, s.key)
    expect(first).toMatchObject({ status: 'written', files: 3, counts: { events: 5, rows: 3, nonCcc: 1, quarantined: 1 } })
    const before = await s.snapshot()
    const puts = s.puts()
    const second = await processArchive(s.pipeline, s.key)
    expect(second).toMatchObject({ status: 'already_done', etag: first.etag, files: 0 })
    expect(s.puts()).toBe(puts)
    expect(await s.snapshot()).toEqual(before)
    await expectOnce(s, [first, second])
  })

  it('at the same time: both finish, the same file names are written, rows are not duplicated', async () => {
    const s = await ossScenario()
    const results = await Promise.all([processArchive(s.pipeline, s.key), processArchive(s.pipeline, s.key)])
    for (const result of results) expect(['written', 'already_done']).toContain(result.status)
    await expectOnce(s, results)
    // A third delivery later is a no-op.
    const third = await processArchive(s.pipeline, s.key)
    expect(third.status).toBe('already_done')
    await expectOnce(s, [third])
  })

  it('many copies at once through processArchives', async () => {
    const s = await ossScenario()
    const summary = await processArchives(s.pipeline, Array(6).fill(s.key), { concurrency: 6 })
    expect(summary).toMatchObject({ archives: 6, failed: 0 })
    expect(summary.written + summary.alreadyDone).toBe(6)
    await expectOnce(s, [summary])
  })

  it('with a new event in a second archive: the table holds both archives once', async () => {
    const s = await ossScenario()
    const other = await putArchive(s.storage, [cccEvent('e9')], { prefix: 'trail/', deliveredAt: new Date('2021-02-03T04:25:00Z') })
    const results = await Promise.all([
      processArchive(s.pipeline, s.key),
      processArchive(s.pipeline, other),
      processArchive(s.pipeline, s.key),
      processArchive(s.pipeline, other),
    ])
    expectAccountedExactly(results, await s.table(), [...CCC_IDS, ...idsOf([cccEvent('e9')])])
  })
})
