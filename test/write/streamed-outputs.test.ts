import { readdir } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { encodeBody, putArchive } from '../../lib/demo/archive.js'
import { cccEvent } from '../../lib/demo/events.js'
import { createRng } from '../../lib/demo/rng.js'
import { processArchive } from '../../lib/pipeline.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import type { ObjectInfo } from '../../lib/storage/types.js'
import { queryTable } from '../support/duck.js'
import { expectAccounted, testPipeline } from '../support/pipeline.js'
import { tempDir } from '../support/temp.js'

/** A folder that counts the objects written through putStream. */
class CountingFs extends FsStorage {
  streamed: string[] = []
  override putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    this.streamed.push(key)
    return super.putStream(key, body)
  }
}

/** Enough CCC events, over two event names, that a 1 MB memory bound has to stream their files. */
function events(count: number): unknown[] {
  const rng = createRng(7)
  const start = Date.parse('2021-02-03T04:10:00Z')
  return Array.from({ length: count }, (_, i) =>
    cccEvent(rng, { time: new Date(start + i * 10), region: 'cn-shanghai', name: i % 3 === 0 ? 'ListAgentStates' : 'StartBack2BackCall' }),
  )
}

const ALL_ROWS = 'SELECT * EXCLUDE (source_object) FROM ccc_events ORDER BY event_time, event_id'

async function dataFiles(root: string): Promise<string[]> {
  const names = (await readdir(root, { recursive: true })) as string[]
  return names
    .filter((name) => !name.startsWith('_'))
    .map((name) => name.split('/').at(-1)!)
    .filter((name) => name.includes('.'))
    .sort()
}

describe('streamed output files', () => {
  const body = encodeBody(events(15_000))
  const gzip = gzipSync(body)

  it('write the same table as whole files: same files, same rows, read back with DuckDB', async () => {
    const source = new MemoryStorage()
    const key = await putArchive(source, [], { body: gzip, eventCount: 15_000 })
    const whole = await testPipeline({ source })
    const streamedRoot = await tempDir('ccc-streamed')
    const counting = new CountingFs(streamedRoot)
    const streamed = await testPipeline({ source, dest: counting, options: { memoryLimitBytes: 1 << 20 } })

    const [a, b] = [await processArchive(whole, key), await processArchive(streamed, key)]
    expectAccounted(b)
    expect(b.counts).toEqual(a.counts)
    expect(counting.streamed.length).toBeGreaterThan(0)
    expect(await dataFiles(streamedRoot)).toEqual(await dataFiles(whole.destRoot))
    const [rowsA, rowsB] = [await queryTable(whole.destRoot, ALL_ROWS), await queryTable(streamedRoot, ALL_ROWS)]
    expect(rowsB.length).toBe(a.counts.rows)
    expect(rowsB).toEqual(rowsA)
    // The result counts the streamed files' real sizes (more row groups than whole files, so not a's).
    const files = (await counting.list('dt=')).objects.filter((o) => o.key.endsWith('.parquet'))
    expect(b.bytesOut).toBe(files.reduce((sum, o) => sum + o.size, 0))
  }, 60_000)

  it('are abandoned when the archive turns out truncated: quarantined, no data file, no temporary file', async () => {
    const source = new MemoryStorage()
    const key = await putArchive(source, [], { body: gzip.subarray(0, Math.floor(gzip.length * 0.9)), eventCount: 15_000 })
    const root = await tempDir('ccc-abandoned')
    const counting = new CountingFs(root)
    const pipeline = await testPipeline({ source, dest: counting, options: { memoryLimitBytes: 1 << 20 } })
    const result = await processArchive(pipeline, key)
    expect(result).toMatchObject({ status: 'quarantined', reason: 'truncated_gzip' })
    expect(counting.streamed.length).toBeGreaterThan(0)
    const left = (await readdir(root, { recursive: true })) as string[]
    expect(left.filter((name) => name.endsWith('.parquet') || name.includes('.tmp-'))).toEqual([])
  }, 60_000)
})
