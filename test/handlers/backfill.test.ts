import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkpointKey, loadCheckpoint } from '../../lib/backfill/checkpoint.js'
import { FANOUT_PROBE_KEY } from '../../lib/backfill/payload.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { RetryableError } from '../../lib/errors.js'
import type { FcBackfillDeps } from '../../lib/fc/backfill-deps.js'
import { handleBackfillEvent } from '../../lib/handlers/backfill.js'
import { jsonLogger, silentLogger } from '../../lib/log.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import type { Storage } from '../../lib/storage/types.js'
import { type FcServer, startFcServer } from '../support/fc-server.js'
import { testPipeline } from '../support/pipeline.js'
import { dataFileNames, tableShape } from '../support/table-shape.js'

// "Now" is early on 2021-02-02, so the default window is 2021-02-01..2021-02-02.
const NOW = new Date('2021-02-02T03:00:00Z')
const SELF = 'ccc-trail-backfill'
const WORKER = 'ccc-trail-worker'
const TIMER = JSON.stringify({ triggerTime: NOW.toISOString(), triggerName: 'catch-up', payload: '' })

let fc: FcServer
beforeAll(async () => {
  fc = await startFcServer()
})
afterAll(() => fc.close())

/** 2 regions x 2 delivery days (2021-02-01, 2021-02-02) x 18 archives = 72 pending archives. */
async function corpusSource(): Promise<{ source: MemoryStorage; keys: string[] }> {
  const source = new MemoryStorage()
  const { keys } = await generateCorpus(source, {
    startDate: '2021-02-01',
    days: 2,
    archivesPerDay: 18,
    eventsPerArchive: 4,
    regions: ['cn-shanghai', 'cn-beijing'],
    seed: 11,
  })
  return { source, keys }
}

/** A fresh table folder per call; the FC endpoint is the local server. */
async function deps(source: Storage, overrides: Partial<FcBackfillDeps> = {}): Promise<FcBackfillDeps & { destRoot: string }> {
  const pipeline = await testPipeline({ source })
  return {
    pipeline,
    destRoot: pipeline.destRoot,
    invoker: fc.invoker(),
    sourcePrefix: '',
    selfName: SELF,
    workerName: WORKER,
    fanoutThreshold: 200,
    fanoutBatchSize: 50,
    concurrency: 2,
    maxWindowDays: 366,
    now: () => NOW,
    remainingMs: () => 600_000,
    marginMs: 10_000,
    log: silentLogger,
    ...overrides,
  }
}

/** The invocations the FC endpoint received from here on. */
function received() {
  const start = fc.received.length
  return () => fc.received.slice(start)
}

/** A clock that runs out after `calls` looks at the remaining time. */
function runsOutAfter(calls: number): () => number {
  let seen = 0
  return () => (++seen > calls ? 1_000 : 600_000)
}

describe('FC backfill: inline', () => {
  it('processes a small window inline and records a finished checkpoint', async () => {
    const { source } = await corpusSource()
    const d = await deps(source)
    const sent = received()
    const result = await handleBackfillEvent(d, TIMER)
    expect(result).toMatchObject({ status: 'done', mode: 'inline', window: { from: '2021-02-01', to: '2021-02-02' }, listed: 72, skippedDone: 0, pending: 72 })
    expect(result.stats.written).toBe(72)
    expect(sent()).toEqual([])
    const checkpoint = await loadCheckpoint(d.pipeline.dest, checkpointKey('', { from: '2021-02-01', to: '2021-02-02' }, ''))
    expect(checkpoint).toMatchObject({ status: 'done', invocations: 1, mode: 'inline', stats: { written: 72 } })
    expect(checkpoint?.nextDay).toBeUndefined()

    const again = await handleBackfillEvent(d, TIMER)
    expect(again).toMatchObject({ status: 'done', listed: 72, skippedDone: 72, pending: 0, stats: { written: 0 } })
  })

  it('checkpoints and re-invokes itself when time runs low; the continuation finishes the same table', async () => {
    const { source } = await corpusSource()
    const whole = await deps(source)
    await handleBackfillEvent(whole, TIMER)

    const d = await deps(source, { remainingMs: runsOutAfter(30) })
    const sent = received()
    const first = await handleBackfillEvent(d, TIMER)
    expect(first.status).toBe('continued')
    expect(first.stats.written).toBeGreaterThan(0)
    expect(first.stats.written).toBeLessThan(72)
    const key = checkpointKey('', { from: '2021-02-01', to: '2021-02-02' }, '')
    expect(sent().map((r) => [r.functionName, r.headers['x-fc-invocation-type'], r.payload])).toEqual([
      [SELF, 'Async', { from: '2021-02-01', to: '2021-02-02', prefix: '', resume: key }],
    ])
    const saved = await loadCheckpoint(d.pipeline.dest, key)
    expect(saved).toMatchObject({ status: 'running', nextDay: first.nextDay, invocations: 1, stats: { written: first.stats.written } })

    // FC delivers the continuation: a new invocation with a fresh time budget.
    const continuation = sent()[0].payload
    const second = await handleBackfillEvent({ ...d, remainingMs: () => 600_000 }, JSON.stringify(continuation))
    expect(second).toMatchObject({ status: 'done', mode: 'inline' })
    expect(second.stats.written).toBe(72)
    expect(await loadCheckpoint(d.pipeline.dest, key)).toMatchObject({ status: 'done', invocations: 2 })
    expect(await tableShape(d.destRoot)).toEqual(await tableShape(whole.destRoot))

    // A duplicate delivery of the continuation finds the checkpoint done and does nothing.
    const duplicate = await handleBackfillEvent(d, JSON.stringify(continuation))
    expect(duplicate).toMatchObject({ status: 'done', listed: 0, pending: 0 })
  })

  it('throws a RetryableError after the run when archives failed transiently, so FC retries', async () => {
    const { source, keys } = await corpusSource()
    const flaky = failingOnce(source, keys[5])
    const d = await deps(flaky)
    await expect(handleBackfillEvent(d, TIMER)).rejects.toThrow(RetryableError)
    // FC's retry of the same event redoes only that archive.
    const retried = await handleBackfillEvent(d, TIMER)
    expect(retried).toMatchObject({ status: 'done', skippedDone: 71, pending: 1, stats: { written: 1 } })
  })
})

describe('FC backfill: fan-out', () => {
  it('sends batches of FANOUT_BATCH_SIZE keys to the worker, each pending key exactly once', async () => {
    const { source, keys } = await corpusSource()
    const d = await deps(source, { fanoutThreshold: 10, fanoutBatchSize: 7 })
    const sent = received()
    const result = await handleBackfillEvent(d, TIMER)
    expect(result).toMatchObject({ status: 'done', mode: 'fanout', pending: 72, stats: { batches: 11, dispatched: 72, written: 0 } })
    const batches = sent()
    expect(batches.every((r) => r.functionName === WORKER && r.method === 'POST' && r.headers['x-fc-invocation-type'] === 'Async')).toBe(true)
    const sizes = batches.map((r) => (r.payload as { batch: string[] }).batch.length)
    expect(sizes).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 2])
    const dispatched = batches.flatMap((r) => (r.payload as { batch: string[] }).batch)
    expect(dispatched.sort()).toEqual([...keys].sort())
  })

  it('keeps a delivery day that fits in one batch whole, packing small days together', async () => {
    const { source, keys } = await corpusSource()
    const sent = received()
    // Two delivery days of 36 archives each: batches of 50 would cut the second day in two (50 + 22).
    expect(await handleBackfillEvent(await deps(source, { fanoutThreshold: 10, fanoutBatchSize: 50 }), TIMER)).toMatchObject({
      stats: { batches: 2, dispatched: 72 },
    })
    const batches = sent().map((r) => (r.payload as { batch: string[] }).batch)
    expect(batches.map((b) => b.length)).toEqual([36, 36])
    expect(batches.map((b) => new Set(b.map(deliveryDay)).size)).toEqual([1, 1])
    // Both days fit in one batch of 80.
    const again = received()
    const packed = await deps(source, { fanoutThreshold: 10, fanoutBatchSize: 80 })
    expect(await handleBackfillEvent(packed, TIMER)).toMatchObject({ stats: { batches: 1, dispatched: 72 } })
    expect(
      again()
        .flatMap((r) => (r.payload as { batch: string[] }).batch)
        .sort(),
    ).toEqual([...keys].sort())
  })

  it('workers fed through FC build the same table as an inline run, and a batch delivered twice changes nothing', async () => {
    const { source } = await corpusSource()
    const inline = await deps(source)
    await handleBackfillEvent(inline, TIMER)

    const coordinator = await deps(source, { fanoutThreshold: 10, fanoutBatchSize: 20 })
    const worker: FcBackfillDeps = { ...coordinator, selfName: WORKER }
    const outcomes: unknown[] = []
    fc.onInvoke(async (name, payload) => outcomes.push(name === WORKER ? await handleBackfillEvent(worker, JSON.stringify(payload)) : 'unexpected'))
    const sent = received()
    try {
      expect(await handleBackfillEvent(coordinator, TIMER)).toMatchObject({ status: 'done', mode: 'fanout', stats: { batches: 4 } })
      await fc.drain()
    } finally {
      fc.onInvoke(async () => undefined)
    }
    expect(outcomes).toHaveLength(4)
    expect(outcomes.every((o) => (o as { status: string }).status === 'done')).toBe(true)
    const table = await tableShape(coordinator.destRoot)
    expect(table).toEqual(await tableShape(inline.destRoot))
    const files = await dataFileNames(coordinator.destRoot)

    // At-least-once delivery: the first batch arrives again.
    const repeat = await handleBackfillEvent(worker, JSON.stringify(sent()[0].payload))
    expect(repeat).toMatchObject({ status: 'done', mode: 'batch', pending: 20, stats: { written: 0, quarantined: 0, failed: 0 } })
    expect(await tableShape(coordinator.destRoot)).toEqual(table)
    expect(await dataFileNames(coordinator.destRoot)).toEqual(files)
  })

  it('dispatches day by day and continues in a new invocation when time runs low, still each key once', async () => {
    const { source, keys } = await corpusSource()
    // The first look at the clock (after the first day is listed) finds time short.
    const d = await deps(source, { fanoutThreshold: 10, fanoutBatchSize: 5, remainingMs: runsOutAfter(0) })
    const sent = received()
    const first = await handleBackfillEvent(d, TIMER)
    expect(first).toMatchObject({ status: 'continued', mode: 'fanout', nextDay: '2021-02-02', stats: { dispatched: 36 } })
    const continuation = sent().find((r) => r.functionName === SELF)!
    expect(continuation.payload).toMatchObject({ from: '2021-02-01', to: '2021-02-02', resume: first.checkpoint })
    const second = await handleBackfillEvent({ ...d, remainingMs: () => 600_000 }, JSON.stringify(continuation.payload))
    expect(second).toMatchObject({ status: 'done', mode: 'fanout', stats: { dispatched: 72 } })
    const dispatched = sent()
      .filter((r) => r.functionName === WORKER)
      .flatMap((r) => (r.payload as { batch: string[] }).batch)
    expect(dispatched.sort()).toEqual([...keys].sort())
  })
})

describe('FC backfill: worker batches', () => {
  it('hands the archives it had no time for to a new invocation of itself', async () => {
    const { source, keys } = await corpusSource()
    const batch = keys.slice(0, 10)
    const d = await deps(source, { concurrency: 1, remainingMs: runsOutAfter(3) })
    const sent = received()
    const result = await handleBackfillEvent(d, JSON.stringify({ batch }))
    expect(result.status).toBe('continued')
    const rest = (sent()[0].payload as { batch: string[] }).batch
    expect(sent()[0].functionName).toBe(SELF)
    expect(result.stats.written + rest.length).toBe(10)
    expect(rest).toEqual(batch.slice(result.stats.written))
  })

  it('throws a RetryableError for a transient failure; the retried batch skips what is done', async () => {
    const { source, keys } = await corpusSource()
    const d = await deps(failingOnce(source, keys[2]))
    const batch = JSON.stringify({ batch: keys.slice(0, 5) })
    await expect(handleBackfillEvent(d, batch)).rejects.toThrow(/1 of 5 archives failed transiently/)
    expect(await handleBackfillEvent(d, batch)).toMatchObject({ status: 'done', stats: { written: 1 } })
  })
})

describe('FC backfill: {"verifyFanout": true}', () => {
  it('invokes the worker once with a batch it skips unread, and says which worker accepted it', async () => {
    const d = await deps(new MemoryStorage())
    const sent = received()
    expect(await handleBackfillEvent(d, '{"verifyFanout":true}')).toMatchObject({ status: 'done', mode: 'verify', worker: WORKER })
    expect(sent().map((r) => [r.functionName, r.payload])).toEqual([[WORKER, { batch: [FANOUT_PROBE_KEY] }]])
    expect(await handleBackfillEvent(d, JSON.stringify({ batch: [FANOUT_PROBE_KEY] }))).toMatchObject({ status: 'done', stats: { written: 0, failed: 0 } })
  })

  it('throws when FC refuses the invocation, so the operator sees the refusal', async () => {
    const d = await deps(new MemoryStorage())
    fc.failNext(403, 'AccessDenied')
    await expect(handleBackfillEvent(d, '{"verifyFanout":true}')).rejects.toThrow(/AccessDenied/)
  })
})

describe('FC backfill: refused payloads', () => {
  it.each([
    ['{"from":"2021-02-30"}', 'from must be a date YYYY-MM-DD, got "2021-02-30"'],
    ['{"from":"2021-02-05","to":"2021-02-01"}', 'from (2021-02-05) is after to (2021-02-01)'],
    ['{"from":"2019-01-01","to":"2021-02-01"}', 'spans 763 days; at most 366'],
    ['{"form":"2021-02-01"}', 'unknown field "form"'],
    ['{"verifyFanout":"yes"}', '"verifyFanout" must be true'],
    [JSON.stringify({ triggerTime: 'x', triggerName: 'daily', payload: '{oops' }), 'payload of timer trigger "daily" is not JSON'],
    ['{"from":"2021-02-01","to":"2021-02-02","resume":"elsewhere.json"}', '"resume" names "elsewhere.json"'],
  ])('answers %s as invalid, logs why, and does not throw', async (event, message) => {
    const lines: string[] = []
    const d = await deps(new MemoryStorage(), { log: jsonLogger((line) => lines.push(line)) })
    const result = await handleBackfillEvent(d, event)
    expect(result.status).toBe('invalid')
    expect(result.error).toContain(message)
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'error', reason: 'invalid_payload', message: expect.stringContaining(message) }),
    ])
  })
})

/** The source, except that reading `key` fails once with a transient error (as an OSS 503 would after retries). */
function failingOnce(storage: Storage, key: string): Storage {
  let failed = false
  return {
    description: storage.description,
    get: async (k) => {
      if (k === key && !failed) {
        failed = true
        throw new RetryableError(`${storage.description}: GetObject "${k}" failed: ServiceUnavailable`)
      }
      return storage.get(k)
    },
    put: (k, body) => storage.put(k, body),
    putStream: (k, body) => storage.putStream(k, body),
    putIfAbsent: (k, body) => storage.putIfAbsent(k, body),
    head: (k) => storage.head(k),
    delete: (k) => storage.delete(k),
    deleteMany: (keys) => storage.deleteMany(keys),
    list: (prefix, options) => storage.list(prefix, options),
  }
}

/** The delivery day in a trail key (…/<yyyy>/<mm>/<dd>/…). */
function deliveryDay(key: string): string {
  return key.match(/\/(\d{4}\/\d{2}\/\d{2})\//)![1]!
}
