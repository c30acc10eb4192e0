import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CompactOptions, type CompactSummary, compactTable } from '../../lib/compact/compact-table.js'
import { putArchive } from '../../lib/demo/archive.js'
import { COMPACT_PREFIX } from '../../lib/layout.js'
import { acquireLease, DEFAULT_LEASE_TTL_MS } from '../../lib/ledger/lease.js'
import { silentLogger } from '../../lib/log.js'
import { processArchives } from '../../lib/run-archives.js'
import type { Storage } from '../../lib/storage/types.js'
import { runCli } from '../support/cli.js'
import { startLakeServer } from '../support/oss-lake.js'
import type { OssServer } from '../support/oss-server.js'
import { PausingStorage } from '../support/pausing-storage.js'
import { testPipeline } from '../support/pipeline.js'
import { cccEvents, dataFiles, idsOf, sorted, type TestEvent } from './harness.js'
import { folderLake, type Lake, ossLake } from './lakes.js'

/**
 * Fault matrix, issue 22: runs that overlap. Each sequence runs on a folder and on OSS (ali-oss against
 * the OSS-protocol test server) and ends with the exact list of event ids a reader sees.
 */

let server: OssServer
beforeAll(async () => {
  server = await startLakeServer()
})
afterAll(() => server.close())

const lakes: Record<string, () => Promise<Lake>> = { folder: folderLake, oss: async () => ossLake(server) }

const DAY = '2021-02-03'

/** Three archives of one partition; the second repeats two events of the first (a re-delivery). */
async function threeArchives(lake: Lake): Promise<{ expected: string[] }> {
  const pipeline = await testPipeline({ dest: lake.dest })
  const first = cccEvents('A', 6)
  const batches: TestEvent[][] = [first, [...first.slice(0, 2), ...cccEvents('B', 5)], cccEvents('C', 4)]
  const keys: string[] = []
  for (const [i, events] of batches.entries()) keys.push(await putArchive(pipeline.source, events, { deliveredAt: new Date(Date.UTC(2021, 1, 3, 5, i)) }))
  await processArchives(pipeline, keys, { concurrency: 1, perArchive: true })
  return { expected: sorted([...new Set(batches.flatMap(idsOf))]) }
}

function compact(dest: Storage, options: Partial<CompactOptions> = {}): Promise<CompactSummary> {
  return compactTable(dest, '', { selection: { date: DAY }, targetBytes: 128 << 20, ...options }, silentLogger)
}

const isOutput = (op: string, key: string) => op === 'put' && key.includes(`/${COMPACT_PREFIX}`)

describe.each(Object.keys(lakes))('overlapping runs on %s', (driver) => {
  it('two compactions of one day: the second skips the partition the first holds; no row lost or doubled', async () => {
    const lake = await lakes[driver]()
    const { expected } = await threeArchives(lake)
    const paused = new PausingStorage(lake.dest, isOutput)
    const first = compact(paused)
    await paused.reached // the first run is half-way through writing its outputs
    const skipped: string[] = []
    const second = await compact(lake.dest, { onPartition: (p) => void (p.status === 'skipped' && skipped.push(p.heldBy ?? '')) })
    expect(second).toMatchObject({ partitions: 1, skipped: 1, compacted: 0, recovered: 0 })
    expect(skipped).toEqual([expect.stringMatching(/\(compaction\) until \d{4}-/)])
    paused.resume()
    expect(await first).toMatchObject({ partitions: 1, compacted: 1, skipped: 0 })
    expect(await lake.ids()).toEqual(expected)
    expect((await dataFiles(lake.dest)).map((key) => key.slice(key.lastIndexOf('/') + 1))).toEqual([expect.stringMatching(/^compact-/)])
  })

  it('with --wait the second compaction waits for the first, then finds nothing left to do', async () => {
    const lake = await lakes[driver]()
    const { expected } = await threeArchives(lake)
    const paused = new PausingStorage(lake.dest, (op, key) => op === 'delete' && !key.includes('_ccc_trail/'))
    const first = compact(paused)
    await paused.reached // outputs written, inputs not yet deleted
    const second = compact(lake.dest, { wait: true, lease: { pollMs: 20 } })
    setTimeout(() => paused.resume(), 100)
    expect(await first).toMatchObject({ compacted: 1 })
    expect(await second).toMatchObject({ partitions: 1, skipped: 0, compacted: 0, unchanged: 1, recovered: 0 })
    expect(await lake.ids()).toEqual(expected)
  })

  it('a crashed compaction (lease left behind) is skipped until its lease expires, then recovered by the next run', async () => {
    const lake = await lakes[driver]()
    const { expected } = await threeArchives(lake)
    const paused = new PausingStorage(lake.dest, isOutput)
    const crashed = compactTable(paused, '', { selection: { date: DAY }, targetBytes: 128 << 20, lease: { renewEveryMs: 0 } }, silentLogger)
    await paused.reached // "killed" here: it never resumes; its `writing` record and lease stay
    expect(await compact(lake.dest)).toMatchObject({ skipped: 1, compacted: 0 })
    const later = await compact(lake.dest, { lease: { now: () => Date.now() + DEFAULT_LEASE_TTL_MS + 1 } })
    expect(later).toMatchObject({ skipped: 0, compacted: 1 })
    expect(await lake.ids()).toEqual(expected)
    void crashed.catch(() => undefined)
  })
})

describe('the CLI when another run holds a partition', () => {
  it('prints a clear line for the skipped partition and exits 0', async () => {
    const lake = await folderLake()
    await threeArchives(lake)
    const before = await lake.ids() // uncompacted: the re-delivered events twice
    const root = (lake.dest as unknown as { root: string }).root
    const held = await acquireLease(
      lake.dest,
      '',
      { dt: DAY, eventName: cccEvents('X', 1)[0].eventName as string },
      { purpose: 'roll-up', owner: 'other-run', renewEveryMs: 0 },
    )
    expect(held.kind).toBe('acquired')
    const run = await runCli(['compact', '--dest', root, '--date', DAY])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /^skipped +dt=2021-02-03\/event_name=\S+ +another run holds its lease: other-run \(roll-up\) until \S+ \(--wait waits for it\)$/m,
    )
    expect(run.stdout).toContain('partitions 1: compacted 0, unchanged 0, skipped 1 (another run holds them)')
    expect(await lake.ids()).toEqual(before)
    expect((await dataFiles(lake.dest)).length).toBe(3)
  })
})
