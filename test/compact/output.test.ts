import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { OutputFiles } from '../../lib/compact/output.js'
import { openParquet } from '../../lib/read/parquet-read.js'
import { COLUMNS, EVENT_ID_INDEX, EVENT_TIME_INDEX, SOURCE_OBJECT_INDEX, type Value } from '../../lib/schema/columns.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import { readAll } from '../../lib/storage/read.js'
import type { ObjectInfo } from '../../lib/storage/types.js'

/** Memory storage that records how each object arrived: whole, or as a stream of so many chunks. */
class RecordingStorage extends MemoryStorage {
  readonly arrivals: { key: string; how: 'put' | 'stream'; chunks: number }[] = []
  private streaming = new Set<string>()
  override put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    // MemoryStorage's putStream ends in put: that one is not a whole put of the caller's.
    if (!this.streaming.has(key)) this.arrivals.push({ key, how: 'put', chunks: 1 })
    return super.put(key, body)
  }
  override async putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    const arrival = { key, how: 'stream' as const, chunks: 0 }
    this.arrivals.push(arrival)
    const counted = async function* () {
      for await (const chunk of body) {
        arrival.chunks++
        yield chunk
      }
    }
    this.streaming.add(key)
    try {
      return await super.putStream(key, counted())
    } finally {
      this.streaming.delete(key)
    }
  }
}

/** Text that does not compress, so that file sizes follow the row count. */
function noise(seed: number, bytes: number): string {
  let text = ''
  for (let i = 0; text.length < bytes; i++) text += createHash('sha256').update(`${seed}:${i}`).digest('hex')
  return text.slice(0, bytes)
}

function rowsOf(count: number, padBytes: number): Value[][] {
  return Array.from({ length: count }, (_, i) => {
    const row: Value[] = COLUMNS.map(() => null)
    row[EVENT_ID_INDEX] = `E${i}`
    row[EVENT_TIME_INDEX] = Date.UTC(2021, 1, 3) + i
    row[SOURCE_OBJECT_INDEX] = `src/${i % 3}.gz`
    row[COLUMNS.findIndex((c) => c.name === 'request_parameters')] = JSON.stringify({ Pad: noise(i, padBytes) })
    return row
  })
}

describe('compaction outputs', () => {
  it('stream each file out row group by row group, never as one whole put', async () => {
    const dest = new RecordingStorage()
    // Row groups of ~64 KB of rows, files of ~400 KB: several groups per file, several files.
    const output = new OutputFiles(400 * 1024, dest, (index) => `p/compact-x-${index}.parquet`, { groupBytes: 64 * 1024, queueBytes: 64 * 1024 })
    const rows = rowsOf(3_000, 1_000)
    for (const row of rows) await output.add(row)
    const outputs = await output.finish()

    expect(outputs.length).toBeGreaterThan(1)
    expect(dest.arrivals.every((a) => a.how === 'stream')).toBe(true)
    for (const arrival of dest.arrivals) expect(arrival.chunks, arrival.key).toBeGreaterThan(2)
    const read: string[] = []
    for (const [i, out] of outputs.entries()) {
      expect(out.key).toBe(`p/compact-x-${i}.parquet`)
      const bytes = await readAll(dest, out.key)
      expect(bytes.length).toBe(out.bytes)
      const table = openParquet(bytes)
      expect(table.rows).toBe(out.rows)
      expect(table.rowGroups.length).toBeGreaterThan(1)
      read.push(...(await table.readColumn('event_id')).map(String))
    }
    expect(read).toEqual(rows.map((r) => r[EVENT_ID_INDEX]))
  })

  it('commit nothing of an unfinished file when aborted', async () => {
    const dest = new RecordingStorage()
    const output = new OutputFiles(10 << 20, dest, (index) => `p/compact-y-${index}.parquet`, { groupBytes: 64 * 1024 })
    for (const row of rowsOf(500, 1_000)) await output.add(row)
    expect(dest.arrivals.map((a) => a.key)).toEqual(['p/compact-y-0.parquet'])
    await output.abort(new Error('merge failed'))
    expect((await dest.list('p/')).objects).toEqual([])
  })
})
