import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { MANIFEST_DIR, parseRecordKey } from '../../lib/layout.js'
import type { Pipeline } from '../../lib/pipeline.js'
import { localTable } from '../../lib/query/local-table.js'
import { processArchives } from '../../lib/run-archives.js'
import { OssStorage } from '../../lib/storage/oss.js'
import type { Storage } from '../../lib/storage/types.js'
import { putDay } from '../batch/day.js'
import { CrashingStorage } from '../support/crashing-storage.js'
import { type OssServer, startOssServer } from '../support/oss-server.js'
import { testPipeline } from '../support/pipeline.js'
import { compactAll } from '../support/table-runs.js'
import { tempDir } from '../support/temp.js'
import { cccEvent, cccEvents, ecsEvent, keysUnder, sorted, tableIds } from './harness.js'

/** Killed at the n-th write or delete: that one and every later one fail (the process is gone). */
const dying = (dest: Storage, dieAt = Infinity) => new CrashingStorage(dest, dieAt, { staysDead: true })

interface Scenario {
  pipeline: Pipeline & { source: Storage }
  keys: string[]
  /** event ids per archive key (the poison archive has none). */
  idsOf: Map<string, string[]>
  expected: string[]
}

/** A day of three small archives and a poison one: one batch, three partitions, a quarantine on the way. */
async function scenario(pipeline: Pipeline & { source: Storage }): Promise<Scenario> {
  const day = await putDay(pipeline.source, 3, 'e', ['ListConfig', 'RefreshToken'])
  const poison = await putArchive(pipeline.source, cccEvents('p', 2), { deliveredAt: new Date('2021-02-03T01:30:30Z'), body: gzipSync(Buffer.from('[{')) })
  const idsOf = new Map([...day.events].map(([key, events]) => [key, events.map((e) => String(e.eventId))]))
  return { pipeline, keys: [...day.keys, poison], idsOf, expected: sorted(day.ids) }
}

/** Archives the table calls done: a manifest exists for them. */
async function done(storage: Storage): Promise<string[]> {
  return (await keysUnder(storage, MANIFEST_DIR)).map((key) => parseRecordKey(key, MANIFEST_DIR)!.sourceKey)
}

/** After a kill: no row twice, every row of a done archive visible; then the next run and a compaction end exact. */
async function checkKilledRun(s: Scenario, dest: Storage, read: () => Promise<string[]>, compact: boolean): Promise<void> {
  const visible = await read()
  expect(new Set(visible).size, 'a row counted twice after the kill').toBe(visible.length)
  for (const id of visible) expect(s.expected).toContain(id)
  for (const key of await done(dest)) for (const id of s.idsOf.get(key) ?? []) expect(visible, `row ${id} of a done archive`).toContain(id)

  const rerun = await processArchives({ ...s.pipeline, dest }, s.keys)
  expect(rerun.failed).toBe(0)
  expect(await read()).toEqual(s.expected)
  expect(sorted(await done(dest))).toEqual(sorted(s.keys))
  if (compact) {
    await compactAll({ ...s.pipeline, dest })
    expect(await read()).toEqual(s.expected)
  }
  expect((await processArchives({ ...s.pipeline, dest }, s.keys)).alreadyDone).toBe(s.keys.length)
}

async function mutationsOfCleanRun(make: () => Promise<{ s: Scenario; dest: Storage }>): Promise<number> {
  const { s, dest } = await make()
  const counting = dying(dest)
  await processArchives({ ...s.pipeline, dest: counting }, s.keys)
  return counting.mutations
}

/** On a folder, the run of `scenario` killed at each of its writes and deletes in turn, each checked. */
async function killedAtEveryMutation(scenarioOf: (pipeline: Pipeline & { source: Storage }) => Promise<Scenario>): Promise<void> {
  const make = async () => {
    const pipeline = await testPipeline()
    return { s: await scenarioOf(pipeline), dest: pipeline.dest, root: pipeline.destRoot }
  }
  const total = await mutationsOfCleanRun(make)
  expect(total).toBeGreaterThan(8)
  for (let dieAt = 0; dieAt < total; dieAt++) {
    const { s, dest, root } = await make()
    const summary = await processArchives({ ...s.pipeline, dest: dying(dest, dieAt) }, s.keys)
    expect(summary.failed, `killed at ${dieAt}`).toBeGreaterThan(0)
    // Compaction after the rerun at every third point: it reads what the rerun left like query does.
    await checkKilledRun(s, dest, () => tableIds(root), dieAt % 3 === 0)
  }
}

describe('a batch killed at any write or delete (folder)', () => {
  it('loses no row and counts none twice, for query, the next run and compaction — at every mutation of the batch', async () => {
    await killedAtEveryMutation(scenario)
  }, 120_000)
})

/**
 * The next delivery day's batch killed beside the committed batch of the day before: its late events' files
 * sit in the earlier day's partitions, batches of two folders, whose records a query does not read
 * (mayOverlap). A killed batch's file is read there like a lone one; its rerun, a batch of the same folder,
 * brings the records back into play.
 */
async function twoDays(pipeline: Pipeline & { source: Storage }): Promise<Scenario> {
  const first = await putDay(pipeline.source, 3, 'e', ['ListConfig', 'RefreshToken'])
  await processArchives(pipeline, first.keys)
  const idsOf = new Map([...first.events].map(([key, events]) => [key, events.map((e) => String(e.eventId))]))
  for (let i = 0; i < 3; i++) {
    const late = cccEvent(`n${i}-late`, { eventName: 'ListConfig', eventTime: `2021-02-03T23:5${i}:00Z` })
    const own = cccEvent(`n${i}`, { eventName: 'RefreshToken', eventTime: `2021-02-04T00:0${i}:00Z` })
    const key = await putArchive(pipeline.source, [late, own, ecsEvent(`n${i}-ecs`)], { deliveredAt: new Date(`2021-02-04T00:0${i}:30Z`) })
    idsOf.set(key, [String(late.eventId), String(own.eventId)])
  }
  return { pipeline, keys: [...idsOf.keys()], idsOf, expected: sorted([...idsOf.values()].flat()) }
}

describe("the next day's batch killed at any write or delete, beside the day before's (folder)", () => {
  it('loses no row and counts none twice, for query, the next run and compaction — at every mutation of the batch', async () => {
    await killedAtEveryMutation(twoDays)
  }, 120_000)
})

describe('a batch killed at write or delete (OSS through ali-oss)', () => {
  let server: OssServer
  let buckets = 0
  beforeAll(async () => {
    server = await startOssServer({ accessKeyId: 'LTAI5tBatchKill', accessKeySecret: 'batch-kill-secret' })
  })
  afterAll(() => server?.close())

  const make = async () => {
    const bucket = `batch-kill-${++buckets}`
    server.bucket(bucket)
    const dest = new OssStorage({
      bucket,
      endpoint: server.endpoint,
      accessKeyId: 'LTAI5tBatchKill',
      accessKeySecret: 'batch-kill-secret',
      retries: 0,
      timeoutMs: 10_000,
    })
    const pipeline = await testPipeline({ dest })
    const read = async () =>
      tableIds(await localTable({ storage: dest, prefix: '', spec: { kind: 'oss', bucket, prefix: '' } }, await tempDir('ccc-batch-mirror')))
    return { s: await scenario(pipeline), dest, read }
  }

  it('loses no row and counts none twice at points spread over the batch', async () => {
    const total = await mutationsOfCleanRun(make)
    // At a `writing` record, at a `written` record, at a manifest.
    for (const dieAt of [1, Math.floor(total / 2), total - 2]) {
      const { s, dest, read } = await make()
      await processArchives({ ...s.pipeline, dest: dying(dest, dieAt) }, s.keys)
      await checkKilledRun(s, dest, read, true)
    }
  }, 120_000)
})

describe('a storage fault in a batch', () => {
  it('fails every archive of the batch as retryable with nothing visible, and the next run writes them once', async () => {
    const pipeline = await testPipeline()
    const s = await scenario(pipeline)
    const failing: Storage = dying(pipeline.dest, 3)
    const outcomes: { key: string; status: string; retryable?: boolean }[] = []
    await processArchives({ ...pipeline, dest: failing }, s.keys, { onOutcome: (o) => outcomes.push(o) })
    const failed = outcomes.filter((o) => o.status === 'failed')
    expect(failed.length).toBeGreaterThanOrEqual(3)
    expect(await tableIds(pipeline.destRoot)).toEqual([])
    await processArchives(pipeline, s.keys)
    expect(await tableIds(pipeline.destRoot)).toEqual(s.expected)
  })
})
