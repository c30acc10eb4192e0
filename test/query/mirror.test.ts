import { readdir, readFile, utimes } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evictLeastRecentlyUsed, type MirrorObject, mirrorObjects } from '../../lib/query/mirror.js'
import type { OssStorage } from '../../lib/storage/oss.js'
import { lakeStorage, startLakeServer } from '../support/oss-lake.js'
import type { OssServer } from '../support/oss-server.js'
import { tempDir } from '../support/temp.js'

/** The local mirror of an OSS table: content identity by ETag, never size; copies the table no longer lists go; LRU eviction by partition. */

let server: OssServer
let storage: OssStorage

beforeAll(async () => {
  server = await startLakeServer()
  storage = lakeStorage(server)
})
afterAll(() => server.close())

async function listed(prefix: string): Promise<MirrorObject[]> {
  const page = await storage.list(prefix)
  return page.objects.map((o) => ({ key: o.key.slice('t/'.length), etag: o.etag, size: o.size }))
}

async function filesUnder(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort()
}

const everyFolder = () => true

describe('mirrorObjects', () => {
  it('fetches a new version of the same size (different content), and drops the old copy', async () => {
    const key = 'dt=2021-02-01/event_name=ListConfig/part-a.parquet'
    await storage.put(`t/${key}`, 'version one, 4452 bytes of it')
    const root = await tempDir('ccc-mirror')
    const first = await mirrorObjects(storage, 't/', root, await listed('t/'), everyFolder)
    expect(first.fetched).toBe(1)
    expect(await readFile(first.paths.get(key)!, 'utf8')).toBe('version one, 4452 bytes of it')

    const unchanged = await mirrorObjects(storage, 't/', root, await listed('t/'), everyFolder)
    expect(unchanged.fetched, 'same ETag: nothing fetched').toBe(0)

    await storage.put(`t/${key}`, 'version two, 4452 bytes of it')
    const second = await mirrorObjects(storage, 't/', root, await listed('t/'), everyFolder)
    expect(second.fetched, 'same size, new ETag: fetched').toBe(1)
    expect(await readFile(second.paths.get(key)!, 'utf8')).toBe('version two, 4452 bytes of it')
    expect(await filesUnder(root), 'only the current version is kept').toEqual([path.relative(root, second.paths.get(key)!)])
  })

  it('removes copies the table no longer lists, only in folders the listing covered', async () => {
    const root = await tempDir('ccc-mirror')
    const keys = ['dt=2021-02-01/event_name=A/part-1.parquet', 'dt=2021-02-01/event_name=A/part-2.parquet', 'dt=2021-02-02/event_name=A/part-3.parquet']
    for (const key of keys) await storage.put(`u/${key}`, key)
    const all = (await storage.list('u/')).objects.map((o) => ({ key: o.key.slice(2), etag: o.etag, size: o.size }))
    await mirrorObjects(storage, 'u/', root, all, everyFolder)
    expect(await filesUnder(root)).toHaveLength(3)

    await storage.delete(`u/${keys[1]}`)
    // The reading covered 2021-02-01 only: the other day's copy may still be current, so it stays.
    const day = (await storage.list('u/dt=2021-02-01/')).objects.map((o) => ({ key: o.key.slice(2), etag: o.etag, size: o.size }))
    await mirrorObjects(storage, 'u/', root, day, (folder) => folder.startsWith('dt=2021-02-01/'))
    const left = await filesUnder(root)
    expect(left).toHaveLength(2)
    expect(left.some((f) => f.includes('part-2.'))).toBe(false)
    expect(left.some((f) => f.includes('part-3.'))).toBe(true)
  })
})

describe('evictLeastRecentlyUsed', () => {
  it('drops whole partitions, least recently used first, never the query’s own', async () => {
    const root = await tempDir('ccc-mirror')
    const keys = ['dt=2021-02-01/event_name=A/part-1.parquet', 'dt=2021-02-02/event_name=A/part-2.parquet', 'dt=2021-02-03/event_name=A/part-3.parquet']
    for (const key of keys) await storage.put(`v/${key}`, 'x'.repeat(1000))
    const all = (await storage.list('v/')).objects.map((o) => ({ key: o.key.slice(2), etag: o.etag, size: o.size }))
    const { paths } = await mirrorObjects(storage, 'v/', root, all, everyFolder)
    // Last used: 02-02 long ago, 02-01 a while ago, 02-03 now.
    await utimes(paths.get(keys[1]!)!, new Date(1_000_000), new Date(1_000_000))
    await utimes(paths.get(keys[0]!)!, new Date(2_000_000), new Date(2_000_000))
    const kept = new Set(['dt=2021-02-02/event_name=A/'])
    const result = await evictLeastRecentlyUsed(root, 2000, kept)
    expect(result.evicted).toEqual(['dt=2021-02-01/event_name=A/'])
    expect(result.bytes).toBe(2000)
    const left = await filesUnder(root)
    expect(left.map((f) => f.split(path.sep).slice(0, 2).join('/'))).toEqual(['dt=2021-02-02/event_name=A', 'dt=2021-02-03/event_name=A'])
  })
})
