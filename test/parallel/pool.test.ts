import { pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../lib/config.js'
import { type CorpusSummary, generateCorpus } from '../../lib/demo/corpus.js'
import { silentLogger } from '../../lib/log.js'
import { chooseRun, FEW_ARCHIVES, MANY_SMALL_ARCHIVES, processArchivesAuto, SMALL_ARCHIVE_BYTES, workerCount } from '../../lib/parallel/auto.js'
import { type PoolSpec, processArchivesParallel } from '../../lib/parallel/pool.js'
import { createPipeline } from '../../lib/pipeline-from-config.js'
import { type Outcome, processArchives } from '../../lib/run-archives.js'
import { archiveKey } from '../../lib/source/archive-key.js'
import { locationOpener } from '../../lib/storage/open.js'
import { ensureBuilt } from '../support/built.js'
import { queryTable } from '../support/duck.js'
import { tempDir } from '../support/temp.js'

let bucket: string
let corpus: CorpusSummary

beforeAll(async () => {
  await ensureBuilt()
  bucket = await tempDir('ccc-pool-bucket')
  const open = locationOpener(loadConfig({}, { SOURCE: bucket, DEST: bucket }).oss)
  corpus = await generateCorpus(open(loadConfig({}, { SOURCE: bucket, DEST: bucket }).source!).storage, {
    seed: 7,
    days: 1,
    archivesPerDay: 8,
    eventsPerArchive: 60,
    brokenArchives: 2,
  })
}, 120_000)

async function setup(extra: Partial<PoolSpec> = {}) {
  const lake = await tempDir('ccc-pool-lake')
  const config = loadConfig({}, { SOURCE: bucket, DEST: lake })
  const open = locationOpener(config.oss)
  const [source, dest] = [open(config.source!), open(config.dest)]
  const spec: PoolSpec = { config, source: source.spec, dest: dest.spec, ...extra }
  return { lake, spec, pipeline: createPipeline(config, source, dest, silentLogger) }
}

describe('processArchivesParallel', () => {
  it('processes every archive across worker threads with the same outcomes and rows as in-process', async () => {
    const parallel = await setup()
    const outcomes: Outcome[] = []
    const summary = await processArchivesParallel(parallel.spec, corpus.keys, { workers: 2, onOutcome: (o) => outcomes.push(o) })
    expect(summary).toMatchObject({ archives: 8, written: 6, quarantined: 2, failed: 0 })
    expect(summary.counts).toEqual({ events: corpus.events, rows: corpus.cccEvents, nonCcc: corpus.nonCccEvents, quarantined: corpus.brokenEvents })
    expect(outcomes.map((o) => o.key).sort()).toEqual([...corpus.keys].sort())

    const inProcess = await setup()
    const reference = await processArchives(inProcess.pipeline, corpus.keys, { concurrency: 2 })
    // Each worker writes its own batch files, so only the bytes written differ.
    expect({ ...summary, millis: 0, bytesOut: 0 }).toEqual({ ...reference, millis: 0, bytesOut: 0 })
    expect(summary.bytesOut).toBeGreaterThan(0)
    const sql = 'SELECT dt, event_name, count(*) AS n, count(DISTINCT event_id) AS ids FROM ccc_events GROUP BY ALL ORDER BY ALL'
    expect(await queryTable(parallel.lake, sql)).toEqual(await queryTable(inProcess.lake, sql))

    const again = await processArchivesParallel(parallel.spec, corpus.keys, { workers: 2 })
    expect(again).toMatchObject({ archives: 8, alreadyDone: 8, written: 0 })
  }, 60_000)

  it('starts no new batch once a stop is requested', async () => {
    const days = await tempDir('ccc-pool-days')
    const open = locationOpener(loadConfig({}, { SOURCE: days, DEST: days }).oss)
    // Eight days: the pool reads five batches ahead, so the stop comes before the last ones are shared out.
    const eightDays = await generateCorpus(open(loadConfig({}, { SOURCE: days, DEST: days }).source!).storage, {
      seed: 3,
      days: 8,
      archivesPerDay: 2,
      eventsPerArchive: 20,
    })
    const { spec } = await setup({ source: { kind: 'fs', root: days, prefix: '' } })
    let seen = 0
    const summary = await processArchivesParallel(spec, eightDays.keys, {
      workers: 2,
      concurrencyPerWorker: 1,
      onOutcome: () => seen++,
      stopRequested: () => seen >= 1,
    })
    // A batch is a day folder (2 archives); one outcome seen, then at most the batch in flight on each of the two workers.
    expect(summary.archives).toBeGreaterThanOrEqual(2)
    expect(summary.archives).toBeLessThanOrEqual(2 * 2)
    expect(summary.archives % 2).toBe(0)
  }, 60_000)

  it('fails the archives of a worker thread that dies, replaces it, and finishes the run', async () => {
    const { spec } = await setup({ encoderModule: pathToFileURL(new URL('./crashing-encoder.mjs', import.meta.url).pathname).href })
    const summary = await processArchivesParallel(spec, corpus.keys.slice(0, 4), {
      workers: 2,
      concurrencyPerWorker: 1,
      onOutcome: (o) => {
        if (o.status === 'failed') expect(o).toMatchObject({ retryable: true, message: expect.stringContaining('worker thread stopped') })
      },
    })
    // Every archive that gets as far as writing a file takes its worker down; a quarantined one never does.
    const reference = await processArchives((await setup()).pipeline, corpus.keys.slice(0, 4), { concurrency: 1 })
    expect(summary).toMatchObject({ archives: 4, failed: reference.written, quarantined: reference.quarantined })
  }, 60_000)

  it('fails the run when a worker cannot start', async () => {
    const { spec } = await setup({ encoderModule: 'file:///no/such/encoder.js' })
    await expect(processArchivesParallel(spec, corpus.keys, { workers: 2 })).rejects.toThrow(/worker thread could not start/)
  }, 60_000)
})

describe('workerCount', () => {
  const key = (slot: number, fileSize: number) =>
    archiveKey({ region: 'cn-shanghai', deliveredAt: new Date(Date.UTC(2021, 1, 3, 4) + slot * 300_000), eventCount: 1, fileSize, md5: 'ab' })
  const sized = (count: number, fileSize: number) => Array.from({ length: count }, (_, i) => key(i, fileSize))

  it('keeps a few archives in-process, whatever their size', () => {
    expect(workerCount([], 8)).toBe(1)
    expect(workerCount(sized(FEW_ARCHIVES, 2 ** 30), 8)).toBe(1)
  })

  it('spreads sizeable archives over every core, and small ones only when there are many', () => {
    expect(workerCount(sized(FEW_ARCHIVES + 1, SMALL_ARCHIVE_BYTES), 8)).toBe(8)
    expect(workerCount(sized(FEW_ARCHIVES + 1, SMALL_ARCHIVE_BYTES - 1), 8)).toBe(1)
    expect(workerCount(sized(MANY_SMALL_ARCHIVES - 1, 1000), 8)).toBe(1)
    expect(workerCount(sized(MANY_SMALL_ARCHIVES, 1000), 8)).toBe(8)
  })

  it('keeps a single big archive in-process (memory is bounded either way), and a key without a size counts as small', () => {
    expect(workerCount([key(0, 2 ** 30)], 2)).toBe(1)
    expect(workerCount(['not-an-archive.txt', 'a', 'b', 'c'], 2)).toBe(1)
  })
})

describe('chooseRun', () => {
  it('shares the memory bound among the archives in flight in-process', () => {
    const key = (gzipBytes: number, minute = 5) =>
      archiveKey({ region: 'cn-shanghai', deliveredAt: new Date(`2021-02-03T04:0${minute}:00Z`), eventCount: 1, fileSize: gzipBytes, md5: 'ab' })
    expect(chooseRun([key(2 ** 30)], 4, undefined, 8)).toEqual({ workers: 1, archivesAtOnce: 1 })
    expect(chooseRun([key(100), key(100, 6)], 4, undefined, 8)).toEqual({ workers: 1, archivesAtOnce: 2 })
    const many = [1, 2, 3, 4, 5].map((minute) => key(SMALL_ARCHIVE_BYTES, minute))
    expect(chooseRun(many, 4, undefined, 8)).toEqual({ workers: 8, archivesAtOnce: 4 })
    expect(chooseRun(many, 4, 1, 8)).toEqual({ workers: 1, archivesAtOnce: 4 })
    expect(
      chooseRun(
        many.map(() => key(10)),
        2,
        undefined,
        8,
      ),
    ).toEqual({ workers: 1, archivesAtOnce: 2 })
  })
})

describe('processArchivesAuto', () => {
  it('runs archives in-process when the choice is 1 and on workers when asked for more', async () => {
    const { pipeline, spec } = await setup()
    expect(await processArchivesAuto(pipeline, spec, corpus.keys.slice(0, 3))).toMatchObject({ archives: 3, failed: 0 })
    const other = await setup()
    expect(await processArchivesAuto(other.pipeline, other.spec, corpus.keys, { workers: 2 })).toMatchObject({
      archives: 8,
      written: 6,
      quarantined: 2,
      failed: 0,
    })
  }, 60_000)
})
