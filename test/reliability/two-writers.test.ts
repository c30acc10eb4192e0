import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactTable } from '../../lib/compact/compact-table.js'
import { rollUpTable } from '../../lib/compact/rollup-table.js'
import { encodeBody, putArchive } from '../../lib/demo/archive.js'
import { createRng, type Rng } from '../../lib/demo/rng.js'
import { silentLogger } from '../../lib/log.js'
import type { Pipeline } from '../../lib/pipeline.js'
import { processArchives } from '../../lib/run-archives.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import type { Storage } from '../../lib/storage/types.js'
import { DelegatingStorage } from '../support/delegating-storage.js'
import { startLakeServer } from '../support/oss-lake.js'
import type { OssServer } from '../support/oss-server.js'
import { testPipeline } from '../support/pipeline.js'
import { visibleEventIds } from '../support/rollup-day.js'
import { TEST_SEED } from '../support/seed.js'
import { cccEvent, sorted, type TestEvent } from './harness.js'
import { folderLake, ossLake } from './lakes.js'

/**
 * Fault matrix, issue 22 item 6: two writers of the same partitions started at random offsets — two
 * compactions, a compaction and a roll-up, or a compaction and a `process` run (a new version of an archive, a forced rerun, a late
 * archive) — with every storage call delayed a little (seeded) so they interleave differently each
 * round. Every round ends with exactly the expected event ids, each once, after one more compaction; and
 * right after the two writers, with no id lost and none stale. Most rounds run on memory (read with the
 * project's Parquet reader through the same snapshot `ccc-trail query` uses); some on a folder and on OSS
 * (ali-oss against the test server), read back through DuckDB.
 */

const ROUNDS = 50
const NAMES = ['ListUsers', 'ListConfig']
type Scenario = 'two compactions' | 'compaction + roll-up' | 'compaction + new version' | 'compaction + forced rerun' | 'compaction + late archive'
const SCENARIOS: Scenario[] = ['two compactions', 'compaction + roll-up', 'compaction + new version', 'compaction + forced rerun', 'compaction + late archive']

let server: OssServer
beforeAll(async () => {
  server = await startLakeServer()
})
afterAll(() => server.close())

/** Every call first yields to the other run, and one in four waits a millisecond: seeded, so each round interleaves its own way. */
class JitteryStorage extends DelegatingStorage {
  constructor(
    inner: Storage,
    private readonly rng: Rng,
  ) {
    super(inner)
    for (const method of ['get', 'head', 'list', 'put', 'putStream', 'putIfAbsent', 'delete', 'deleteMany'] as const) {
      const call = (this as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[method].bind(this)
      ;(this as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        await (this.rng.chance(0.25) ? pause(1) : new Promise((resolve) => setImmediate(resolve)))
        return call(...args)
      }
    }
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const at = (n: number) => `2021-02-03T04:${String(10 + n).padStart(2, '0')}:00Z`
const event = (id: string, n: number): TestEvent => cccEvent(id, { eventTime: at(n), eventName: NAMES[n % NAMES.length] })

/** Archive `a` of a round: three events of its own and one it shares with the next archive (a re-delivery). */
function archiveEvents(round: number, a: number): TestEvent[] {
  const own = [0, 1, 2].map((i) => event(`r${round}-a${a}-${i}`, a * 4 + i))
  const shared = [event(`r${round}-s${a}`, a * 4 + 3)]
  return a > 0 ? [...own, ...shared, event(`r${round}-s${a - 1}`, a * 4 - 1)] : [...own, ...shared]
}

const idsOf = (archives: TestEvent[][]) => sorted([...new Set(archives.flat().map((e) => String(e.eventId)))])

async function oneRound(round: number, dest: Storage, read: () => Promise<string[]>): Promise<void> {
  const rng = createRng(TEST_SEED * 100 + round)
  const pipeline: Pipeline & { source: Storage } = await testPipeline({ dest, source: new MemoryStorage() })
  const archives = [0, 1, 2, 3].map((a) => archiveEvents(round, a))
  const delivered = (a: number) => new Date(Date.UTC(2021, 1, 3, 5, a))
  const keys = await Promise.all(archives.map((events, a) => putArchive(pipeline.source, events, { deliveredAt: delivered(a) })))
  await processArchives(pipeline, keys, { concurrency: 2, perArchive: true })
  if (rng.chance(0.5)) await compactTable(dest, '', { selection: {}, targetBytes: 128 << 20 }, silentLogger)

  const scenario = rng.pick(SCENARIOS)
  if (scenario === 'compaction + roll-up') {
    // A late archive's part files arrive before both start: the roll-up has new parts to merge, as the hourly timer does.
    archives.push([event(`r${round}-late-0`, 5), event(`r${round}-s2`, 11)])
    await processArchives(pipeline, [await putArchive(pipeline.source, archives[4], { deliveredAt: delivered(9) })], { concurrency: 1, perArchive: true })
  }
  const jittery = (seed: number) => new JitteryStorage(dest, createRng(seed))
  const compaction = (store: Storage) => compactTable(store, '', { selection: {}, targetBytes: 128 << 20 }, silentLogger)
  const second = async (): Promise<unknown> => {
    await pause(rng.int(0, 12))
    const other = { ...pipeline, dest: jittery(round * 7 + 2) }
    const k = rng.int(0, 3)
    switch (scenario) {
      case 'two compactions':
        return compaction(other.dest)
      case 'compaction + roll-up':
        return rollUpTable(other.dest, '', { selection: {}, targetBytes: 128 << 20 }, silentLogger)
      case 'compaction + new version': {
        // The same key, new content without one of the archive's own events (the count in the key stays right).
        archives[k] = [...archives[k].slice(1), event(`r${round}-a${k}-new`, k * 4)]
        await pipeline.source.put(keys[k], gzipSync(encodeBody(archives[k])))
        return processArchives(other, [keys[k]], { concurrency: 1 })
      }
      case 'compaction + forced rerun':
        return processArchives(other, [keys[k]], { concurrency: 1, force: true })
      case 'compaction + late archive': {
        archives.push([event(`r${round}-late-0`, 5), event(`r${round}-s1`, 7)])
        const key = await putArchive(pipeline.source, archives[4], { deliveredAt: delivered(9) })
        return processArchives(other, [key], { concurrency: 1 })
      }
    }
  }
  const [first, later] = await Promise.allSettled([compaction(jittery(round * 7 + 1)), second()])
  const where = `round ${round} (seed ${TEST_SEED}), ${scenario}`
  expect(first.status, `${where}: the compaction`).toBe('fulfilled')
  expect(later.status, `${where}: the second writer`).toBe('fulfilled')
  if (later.status === 'fulfilled' && later.value && typeof later.value === 'object' && 'failed' in later.value)
    expect((later.value as { failed: number }).failed, `${where}: archives failed`).toBe(0)

  const expected = idsOf(archives)
  expect(sorted([...new Set(await read())]), `${where}: ids right after the two writers`).toEqual(expected)
  await compactTable(dest, '', { selection: {}, targetBytes: 128 << 20 }, silentLogger)
  expect(await read(), `${where}: ids after the next compaction, each once`).toEqual(expected)
}

describe(`two writers at random offsets, ${ROUNDS} rounds (seed ${TEST_SEED})`, () => {
  it('every round ends with exactly the expected event ids', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 17 === 5) {
        const lake = ossLake(server)
        await oneRound(round, lake.dest, lake.ids)
      } else if (round % 10 === 3) {
        const lake = await folderLake()
        await oneRound(round, lake.dest, lake.ids)
      } else {
        const dest = new MemoryStorage()
        await oneRound(round, dest, () => visibleEventIds(dest))
      }
    }
  }, 120_000)
})
