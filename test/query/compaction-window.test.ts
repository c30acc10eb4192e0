import { cp } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeBody, putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { silentLogger } from '../../lib/log.js'
import { localTable } from '../../lib/query/local-table.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { listObjects } from '../../lib/storage/list.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import type { Storage } from '../../lib/storage/types.js'
import { runCli } from '../support/cli.js'
import { queryTable } from '../support/duck.js'
import { lakeStorage, ossLocation, startLakeServer } from '../support/oss-lake.js'
import type { OssServer } from '../support/oss-server.js'
import { TEST_OPTIONS, testPipeline } from '../support/pipeline.js'
import { stoppingAtFirstDelete, stoppingBefore } from '../support/stopping-storage.js'
import { compactAll, eventKeys, processAll } from '../support/table-runs.js'
import { tempDir } from '../support/temp.js'

/**
 * Readers while compaction runs. Compaction writes its record, its outputs, the record again as
 * `written`, then deletes the inputs: between those steps the folder holds the same rows twice. The
 * compaction is stopped at each step (a storage that refuses its n-th write or delete: the same point
 * every run) and the table is read there, the way `ccc-trail query` reads it.
 */

const NAMES = ['ListConfig', 'ListUsers']

/** Archives over two partitions whose events partly repeat the archive before (re-deliveries), so compaction drops rows. */
function eventsOf(archive: number, names = NAMES): Record<string, unknown>[] {
  return Array.from({ length: 8 }, (_, i) => {
    const n = archive * 4 + i
    return { ...seedSampleEvent(), eventName: names[n % names.length], eventTime: new Date(Date.UTC(2021, 1, 3, 1, 0, n)).toISOString(), eventId: `E${n}` }
  })
}

async function putArchives(source: Storage, from: number, count: number, names = NAMES): Promise<string[]> {
  const keys: string[] = []
  for (let a = from; a < from + count; a++) keys.push(await putArchive(source, eventsOf(a, names), { deliveredAt: new Date(Date.UTC(2021, 1, 3, 2, a)) }))
  return keys
}

/** Compaction goes one partition at a time: each partition is read as before or after its own compaction. */
async function keysByPartition(root: string): Promise<Map<string, string[]>> {
  const rows = await queryTable(root, 'SELECT event_name, event_id FROM ccc_events ORDER BY event_name, event_id')
  const partitions = new Map<string, string[]>()
  for (const row of rows) partitions.set(row.event_name as string, [...(partitions.get(row.event_name as string) ?? []), row.event_id as string])
  return partitions
}

async function copyOf(root: string): Promise<string> {
  const copy = await tempDir('ccc-window')
  await cp(root, copy, { recursive: true, preserveTimestamps: true })
  return copy
}

const scenarios = {
  'first compaction (part files only)': async (pipeline: Awaited<ReturnType<typeof testPipeline>>) => {
    await processAll(pipeline, await putArchives(pipeline.source, 0, 4))
  },
  're-compaction (compacted files plus late part files)': async (pipeline: Awaited<ReturnType<typeof testPipeline>>) => {
    await processAll(pipeline, await putArchives(pipeline.source, 0, 3))
    await compactAll(pipeline)
    await processAll(pipeline, await putArchives(pipeline.source, 3, 2))
  },
}

describe.each(Object.entries(scenarios))('a table read while compaction is stopped at each step: %s', (_, build) => {
  it('shows exactly the rows before compaction or exactly the rows after it, never both', async () => {
    const pipeline = await testPipeline()
    await build(pipeline)
    const before = await keysByPartition(pipeline.destRoot)
    const done = await copyOf(pipeline.destRoot)
    const counting = stoppingBefore(new FsStorage(done), Infinity)
    await compactAll(pipeline, undefined, counting)
    const after = await keysByPartition(done)
    for (const [name, keys] of after) expect(keys.length, `compaction drops the repeated events of ${name}`).toBeLessThan(before.get(name)!.length)

    const seen = new Set<string>()
    for (let stopAt = 0; stopAt < counting.mutations(); stopAt++) {
      const root = await copyOf(pipeline.destRoot)
      await expect(compactAll(pipeline, undefined, stoppingBefore(new FsStorage(root), stopAt))).rejects.toThrow(/stopped/)
      for (const [name, keys] of await keysByPartition(root)) {
        const same = (other: Map<string, string[]>) => JSON.stringify(keys) === JSON.stringify(other.get(name))
        const state = same(before) ? 'before' : same(after) ? 'after' : 'mixed'
        expect(state, `rows of ${name} read with compaction stopped before mutation ${stopAt}`).not.toBe('mixed')
        seen.add(state)
      }
    }
    expect([...seen].sort(), 'stopping points cover both sides of the switch').toEqual(['after', 'before'])
  })
})

describe("ccc-trail query between a compaction's last output and the deletion of its inputs", () => {
  it('counts every event once, as it does before and after compaction', async () => {
    const pipeline = await testPipeline()
    await processAll(pipeline, await putArchives(pipeline.source, 0, 4, ['ListConfig']))
    const sql = 'select count(*) as n, count(distinct event_id) as ids from ccc_events'
    const count = async (root: string) => JSON.parse((await runCli(['query', '--dest', root, '--format', 'json', sql])).stdout) as { n: number; ids: number }
    const before = await count(pipeline.destRoot)
    expect(before.n).toBeGreaterThan(before.ids)

    const root = pipeline.destRoot
    await expect(compactAll(pipeline, undefined, stoppingAtFirstDelete(new FsStorage(root)))).rejects.toThrow(/stopped before deleting/)
    const files: string[] = []
    for await (const info of listObjects(new FsStorage(root), 'dt=')) files.push(info.key.slice(info.key.lastIndexOf('/') + 1))
    expect(files.filter((f) => f.startsWith('part-')).length, 'inputs still listed').toBeGreaterThan(0)
    expect(files.filter((f) => f.startsWith('compact-')).length, 'outputs already listed').toBeGreaterThan(0)

    expect(await count(root)).toEqual({ n: before.ids, ids: before.ids })
    await compactAll(pipeline, undefined, new FsStorage(root))
    expect(await count(root)).toEqual({ n: before.ids, ids: before.ids })
  })
})

describe('a newer version of an archive whose rows were compacted', () => {
  it('is read from its part file only, until the next compaction merges it', async () => {
    const pipeline = await testPipeline()
    const [first, second] = await putArchives(pipeline.source, 0, 2)
    await processAll(pipeline, [first!, second!])
    await compactAll(pipeline)
    // The same key again with other events (same count, so the key still describes it).
    const replaced = eventsOf(0).map((e, i) => ({ ...e, eventId: `NEW${i}` }))
    await pipeline.source.put(first!, gzipSync(encodeBody(replaced)))
    await processAll(pipeline, [first!])
    const ids = await eventKeys(pipeline.destRoot)
    expect(ids.filter((k) => k.startsWith('NEW'))).toHaveLength(8)
    expect(ids, 'no event of the replaced version is read twice').toEqual([...new Set(ids)])
    expect(
      ids.filter((k) => ['E0', 'E1', 'E2', 'E3'].includes(k)),
      'events only the old version had are gone',
    ).toEqual([])
    await compactAll(pipeline)
    expect(await eventKeys(pipeline.destRoot)).toEqual(ids)
  })
})

describe('an OSS table read while compaction is stopped before deleting its inputs', () => {
  let server: OssServer
  beforeAll(async () => {
    server = await startLakeServer()
  })
  afterAll(() => server.close())

  it('is mirrored without the inputs the compaction replaced', async () => {
    const dest = lakeStorage(server)
    const pipeline = { source: new MemoryStorage(), dest, destPrefix: 'ccc/events/', log: silentLogger, options: TEST_OPTIONS }
    await processAll(pipeline, await putArchives(pipeline.source, 0, 4, ['ListConfig']))
    const location = ossLocation(dest, pipeline.destPrefix)
    const cache = await tempDir('ccc-mirror')
    const before = await eventKeys(await localTable(location, cache))

    await expect(compactAll(pipeline, undefined, stoppingAtFirstDelete(dest))).rejects.toThrow(/stopped before deleting/)
    const parts: string[] = []
    for await (const info of listObjects(dest, pipeline.destPrefix + 'dt=')) if (info.key.includes('/part-')) parts.push(info.key)
    expect(parts.length, 'inputs still in the bucket').toBeGreaterThan(0)
    const read = await eventKeys(await localTable(location, cache))
    expect(read).toEqual([...new Set(before)])
    await compactAll(pipeline)
    expect(await eventKeys(await localTable(location, cache))).toEqual(read)
  })
})
