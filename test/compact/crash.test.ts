import { cp } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import type { Pipeline } from '../../lib/pipeline.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { listObjects } from '../../lib/storage/list.js'
import type { ListOptions, ObjectInfo, Storage } from '../../lib/storage/types.js'
import { tempDir } from '../support/temp.js'
import { testPipeline } from '../support/pipeline.js'
import { compactAll, eventKeys, filesByPartition, processAll } from './lake.js'

/** The real folder storage, except that the process "dies" just before its n-th write or delete. */
class CrashingStorage implements Storage {
  mutations = 0
  constructor(private readonly inner: Storage, private readonly crashAt = Infinity) {}
  get description(): string {
    return this.inner.description
  }
  get(key: string) {
    return this.inner.get(key)
  }
  head(key: string): Promise<ObjectInfo | undefined> {
    return this.inner.head(key)
  }
  list(prefix: string, options?: ListOptions) {
    return this.inner.list(prefix, options)
  }
  async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    this.tick()
    return this.inner.put(key, body)
  }
  async putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    this.tick()
    return this.inner.putStream(key, body)
  }
  async delete(key: string): Promise<void> {
    this.tick()
    return this.inner.delete(key)
  }
  private tick(): void {
    if (this.mutations++ === this.crashAt) throw new Error(`crashed before mutation ${this.crashAt}`)
  }
}

const NAMES = ['ListConfig', 'ListUsers', 'Odd/Name=1', undefined]

/** Archives whose events repeat across archives (re-deliveries), some without eventId, over four partitions. */
async function putArchives(pipeline: Pipeline & { source: Storage }, from: number, count: number): Promise<string[]> {
  const keys: string[] = []
  for (let a = from; a < from + count; a++) {
    const events = Array.from({ length: 12 }, (_, i) => {
      const n = a * 6 + i // half of each archive repeats the previous one
      const event: Record<string, unknown> = { ...seedSampleEvent(), eventName: NAMES[n % NAMES.length], eventTime: new Date(Date.UTC(2021, 1, 3, 1, 0, n)).toISOString(), eventId: `E${n}` }
      if (n % 7 === 0) delete event.eventId
      return event
    })
    keys.push(await putArchive(pipeline.source, events, { deliveredAt: new Date(Date.UTC(2021, 1, 3, 2, a)) }))
  }
  return keys
}

async function copyOf(root: string): Promise<string> {
  const copy = await tempDir('ccc-crash')
  await cp(root, copy, { recursive: true, preserveTimestamps: true })
  return copy
}

async function recordsLeft(storage: Storage): Promise<string[]> {
  const keys: string[] = []
  for await (const info of listObjects(storage, '_ccc_trail/compactions/')) keys.push(info.key)
  return keys
}

const scenarios = {
  'first compaction (part files only)': async (pipeline: Pipeline & { source: Storage }) => {
    await processAll(pipeline, await putArchives(pipeline, 0, 4))
  },
  're-compaction (a compacted file plus late part files)': async (pipeline: Pipeline & { source: Storage }) => {
    await processAll(pipeline, await putArchives(pipeline, 0, 3))
    await compactAll(pipeline)
    await processAll(pipeline, await putArchives(pipeline, 3, 2))
  },
}

describe.each(Object.entries(scenarios))('compaction interrupted at every write or delete: %s', (_, build) => {
  it('never loses a row, and the next run ends exactly where an uninterrupted run ends', async () => {
    const pipeline = await testPipeline()
    await build(pipeline)
    const before = new Set(await eventKeys(pipeline.destRoot))
    const clean = await copyOf(pipeline.destRoot)
    const counting = new CrashingStorage(new FsStorage(clean))
    await compactAll(pipeline, undefined, counting)
    const expected = await eventKeys(clean)
    const expectedFiles = await filesByPartition(new FsStorage(clean))
    expect(new Set(expected)).toEqual(before)
    expect(counting.mutations).toBeGreaterThan(8)

    for (let crashAt = 0; crashAt < counting.mutations; crashAt++) {
      const root = await copyOf(pipeline.destRoot)
      await expect(compactAll(pipeline, undefined, new CrashingStorage(new FsStorage(root), crashAt))).rejects.toThrow(/crashed/)
      const visible = new Set(await eventKeys(root))
      for (const key of before) expect(visible.has(key), `event ${key} after a crash before mutation ${crashAt}`).toBe(true)

      await compactAll(pipeline, undefined, new FsStorage(root))
      expect(await eventKeys(root), `rows after recovering from mutation ${crashAt}`).toEqual(expected)
      expect([...(await filesByPartition(new FsStorage(root))).values()].map((f) => f.length)).toEqual([...expectedFiles.values()].map((f) => f.length))
      expect(await recordsLeft(new FsStorage(root)), `records after recovering from mutation ${crashAt}`).toHaveLength(expectedFiles.size)
    }
  })
})
