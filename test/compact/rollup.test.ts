import { describe, expect, it } from 'vitest'
import { compactTable } from '../../lib/compact/compact-table.js'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { silentLogger } from '../../lib/log.js'
import { listObjects } from '../../lib/storage/list.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import { readAll } from '../../lib/storage/read.js'
import type { ListOptions, Storage } from '../../lib/storage/types.js'
import { CrashingStorage } from '../support/crashing-storage.js'
import { testPipeline } from '../support/pipeline.js'
import { ageRecords, DAY, eventIds, NAMES, putHourlyArchives, rollUp } from '../support/rollup-day.js'
import { filesByPartition, processAll } from '../support/table-runs.js'

/** Data files of each partition folder, as [part files, compacted files]. */
async function shape(dest: Storage): Promise<[number, number][]> {
  return [...(await filesByPartition(dest)).values()].map((names) => [
    names.filter((n) => n.startsWith('part-')).length,
    names.filter((n) => n.startsWith('compact-')).length,
  ])
}

/** Reads a storage makes, by kind of object: what a roll-up's cost is made of. */
class ReadCounter extends CrashingStorage {
  readonly reads = { data: 0, records: 0, lists: 0 }
  override get(key: string) {
    if (key.endsWith('.parquet')) this.reads.data++
    else if (key.includes('compactions/')) this.reads.records++
    return super.get(key)
  }
  override list(prefix: string, options?: ListOptions) {
    this.reads.lists++
    return super.list(prefix, options)
  }
}

describe('roll-up of a day still receiving archives', () => {
  it('merges only the new part files each time, loses and adds no row, and finalization ends as compaction of the part files would', async () => {
    const pipeline = await testPipeline()
    await processAll(pipeline, await putHourlyArchives(pipeline.source, 0, 4))
    const hours01 = await eventIds(pipeline.destRoot)
    expect(await shape(pipeline.dest)).toEqual(NAMES.map(() => [4, 0]))

    const first = await rollUp(pipeline.dest)
    expect(first).toMatchObject({ partitions: NAMES.length, compacted: NAMES.length })
    expect(await shape(pipeline.dest)).toEqual(NAMES.map(() => [0, 1]))
    // The two re-delivered events were in the same hour: the roll-up kept one row of each.
    expect(await eventIds(pipeline.destRoot)).toEqual([...new Set(hours01)].sort())
    expect(first.duplicates).toBe(2)

    await processAll(pipeline, await putHourlyArchives(pipeline.source, 4, 4))
    const beforeSecond = await eventIds(pipeline.destRoot)
    const second = await rollUp(pipeline.dest)
    expect(second.compacted).toBe(NAMES.length)
    expect(await shape(pipeline.dest)).toEqual(NAMES.map(() => [0, 2]))
    expect(await eventIds(pipeline.destRoot)).toEqual([...new Set(beforeSecond)].sort())

    // Nothing new: nothing is written, deleted or leased.
    const idle = new CrashingStorage(pipeline.dest)
    expect(await rollUp(idle)).toMatchObject({ compacted: 0, unchanged: NAMES.length })
    expect(idle.mutations).toBe(0)

    await processAll(pipeline, await putHourlyArchives(pipeline.source, 8, 3))
    const all = await eventIds(pipeline.destRoot)
    await rollUp(pipeline.dest)
    const final = await compactTable(pipeline.dest, '', { selection: { date: DAY }, targetBytes: 128 << 20 }, silentLogger)
    expect(final.compacted).toBe(NAMES.length)
    expect(await shape(pipeline.dest)).toEqual(NAMES.map(() => [0, 1]))
    const finalIds = await eventIds(pipeline.destRoot)
    expect(finalIds).toEqual([...new Set(all)].sort())
    const records: string[] = []
    for await (const info of listObjects(pipeline.dest, '_ccc_trail/compactions/')) records.push(info.key)
    expect(records, 'one live record per partition; those of the rolled groups went with them').toHaveLength(NAMES.length)
  })

  it('takes a new version of a rolled-up archive, its tombstone included, and shows only the new rows', async () => {
    const pipeline = await testPipeline()
    const keys = await putHourlyArchives(pipeline.source, 0, 4)
    await processAll(pipeline, keys)
    await rollUp(pipeline.dest)
    // A new version of archive 0 (as many events, the key says 6) all ListConfig: its ListUsers part file is a tombstone.
    const scratch = new MemoryStorage()
    const events = Array.from({ length: 6 }, (_, i) => ({
      ...seedSampleEvent(),
      eventName: 'ListConfig',
      eventTime: `${DAY}T00:30:0${i}Z`,
      eventId: `NEW-${i}`,
    }))
    const rewritten = await putArchive(scratch, events)
    await pipeline.source.put(keys[0]!, await readAll(scratch, rewritten))
    await processAll(pipeline, [keys[0]!, ...(await putHourlyArchives(pipeline.source, 4, 2))])
    // The roll-up keeps one row of the event archive 5 re-delivers from archive 4.
    const expected = [...new Set(await eventIds(pipeline.destRoot))].sort()
    expect(expected).toContain('NEW-0')
    expect(expected).not.toContain('E1')

    await rollUp(pipeline.dest)
    expect(await shape(pipeline.dest), 'the tombstone was consumed too').toEqual(NAMES.map(() => [0, 2]))
    expect(await eventIds(pipeline.destRoot)).toEqual(expected)
    await compactTable(pipeline.dest, '', { selection: { date: DAY }, targetBytes: 128 << 20 }, silentLogger)
    expect(await eventIds(pipeline.destRoot)).toEqual(expected)
  })

  it('costs the same whether the day already holds 2 rolled hours or 6', async () => {
    const pipeline = await testPipeline()
    const hourThenRollUp = async (archive: number) => {
      await processAll(pipeline, await putHourlyArchives(pipeline.source, archive, 2))
      await ageRecords(pipeline.destRoot)
      const counter = new ReadCounter(pipeline.dest)
      await rollUp(counter)
      return { reads: counter.reads, writes: counter.mutations }
    }
    for (const hour of [0, 1]) await hourThenRollUp(hour * 2)
    const atTwo = await hourThenRollUp(4)
    for (const hour of [3, 4, 5]) await hourThenRollUp(hour * 2)
    const atSix = await hourThenRollUp(12)
    expect(await shape(pipeline.dest)).toEqual(NAMES.map(() => [0, 7]))
    expect(atSix).toEqual(atTwo)
    expect(atTwo.reads.data, 'only the hour’s part files are read').toBe(2 * NAMES.length)
  })
})
