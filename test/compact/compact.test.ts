import { gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { readAll } from '../../lib/storage/read.js'
import type { Storage } from '../../lib/storage/types.js'
import { queryTable } from '../support/duck.js'
import { testPipeline } from '../support/pipeline.js'
import { compactAll, eventKeys, filesByPartition, processAll, rowCount } from '../support/table-runs.js'

async function archiveEvents(source: Storage, key: string): Promise<Record<string, unknown>[]> {
  return JSON.parse(gunzipSync(await readAll(source, key)).toString('utf8')) as Record<string, unknown>[]
}

/** Two generated days plus a re-delivery: 12 CCC events of the first archive again (a new key), 3 of them without eventId in both. */
async function lakeWithDuplicates() {
  const pipeline = await testPipeline()
  const corpus = await generateCorpus(pipeline.source, { seed: 7, days: 2, archivesPerDay: 6, eventsPerArchive: 40, lateEvents: false })
  const first = corpus.keys[0]
  const events = await archiveEvents(pipeline.source, first)
  const ccc = events.filter((e) => e.serviceName === 'CloudCallCenter')
  for (const event of ccc.slice(0, 3)) delete event.eventId
  await pipeline.source.put(first, gzipSync(JSON.stringify(events)))
  const again = await putArchive(pipeline.source, ccc.slice(0, 12), { deliveredAt: new Date('2021-02-01T23:59:00Z') })
  const keys = [...corpus.keys, again]
  await processAll(pipeline, keys)
  return { pipeline, keys, corpus }
}

describe('compactTable', () => {
  it('merges every partition into one file sorted by event_time, dropping only duplicate event ids', async () => {
    const { pipeline } = await lakeWithDuplicates()
    const before = await queryTable(
      pipeline.destRoot,
      `SELECT count(*) AS n, count(event_id) - count(DISTINCT event_id) AS dup, count(*) FILTER (WHERE event_id IS NULL) AS no_id FROM ccc_events`,
    )
    const keysBefore = new Set(await eventKeys(pipeline.destRoot))
    expect(Number(before[0].dup)).toBe(9)
    expect(Number(before[0].no_id)).toBe(6)
    const partitionsBefore = await filesByPartition(pipeline.dest)
    expect([...partitionsBefore.values()].some((files) => files.length > 1)).toBe(true)

    const summary = await compactAll(pipeline)

    const after = await filesByPartition(pipeline.dest)
    expect([...after.keys()]).toEqual([...partitionsBefore.keys()])
    for (const files of after.values()) expect(files).toEqual([expect.stringMatching(/^compact-[0-9a-f]{16}-000\.parquet$/)])
    expect(await rowCount(pipeline.destRoot)).toBe(Number(before[0].n) - Number(before[0].dup))
    expect(new Set(await eventKeys(pipeline.destRoot))).toEqual(keysBefore)
    const [ids] = await queryTable(
      pipeline.destRoot,
      `SELECT count(event_id) - count(DISTINCT event_id) AS dup, count(*) FILTER (WHERE event_id IS NULL) AS no_id FROM ccc_events`,
    )
    expect(ids).toEqual({ dup: '0', no_id: '6' })
    const unsorted = await queryTable(
      pipeline.destRoot,
      `SELECT count(*) AS n FROM (SELECT event_time < lag(event_time) OVER (PARTITION BY filename ORDER BY file_row_number) AS back FROM read_parquet('${pipeline.destRoot}/dt=*/event_name=*/*.parquet', filename = true, file_row_number = true)) WHERE back`,
    )
    expect(unsorted).toEqual([{ n: '0' }])
    expect(summary).toMatchObject({ partitions: partitionsBefore.size, compacted: partitionsBefore.size, duplicates: Number(before[0].dup), superseded: 0 })
    expect(summary.filesBefore).toBe([...partitionsBefore.values()].flat().length)
    expect(summary.filesAfter).toBe(partitionsBefore.size)
    expect(summary.bytesAfter).toBeLessThan(summary.bytesBefore)
  })

  it('leaves a compacted table as it is on the next run', async () => {
    const { pipeline } = await lakeWithDuplicates()
    await compactAll(pipeline)
    const files = await filesByPartition(pipeline.dest)
    const again = await compactAll(pipeline)
    expect(again).toMatchObject({ compacted: 0, unchanged: files.size, recovered: 0 })
    expect(await filesByPartition(pipeline.dest)).toEqual(files)
  })

  it('splits a partition over the size target into files near the target, and then leaves them be', async () => {
    const pipeline = await testPipeline()
    const sample = seedSampleEvent()
    const keys: string[] = []
    for (let a = 0; a < 6; a++) {
      const events = Array.from({ length: 200 }, (_, i) => ({
        ...sample,
        eventId: `E-${a}-${i}`,
        eventTime: new Date(Date.UTC(2021, 1, 3, a, 0, i)).toISOString(),
      }))
      keys.push(await putArchive(pipeline.source, events, { deliveredAt: new Date(Date.UTC(2021, 1, 3, a, 5)) }))
    }
    await processAll(pipeline, keys)
    const target = 24 * 1024
    await compactAll(pipeline, target)
    const [files] = [...(await filesByPartition(pipeline.dest)).values()]
    expect(files.length).toBeGreaterThan(1)
    const sizes = await Promise.all(files.map(async (f) => (await pipeline.dest.head(`dt=2021-02-03/event_name=ListConfig/${f}`))!.size))
    // Every file but the last reached the target; none exceeds it by more than one row group.
    for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThanOrEqual(target)
    for (const size of sizes) expect(size).toBeLessThan(3 * target)
    expect(await rowCount(pipeline.destRoot)).toBe(1200)
    expect((await compactAll(pipeline, target)).compacted).toBe(0)
  })

  it('merges a late archive into a partition compacted before', async () => {
    const { pipeline } = await lakeWithDuplicates()
    await compactAll(pipeline)
    const rows = await rowCount(pipeline.destRoot)
    const late = await putArchive(pipeline.source, [{ ...seedSampleEvent(), eventId: 'LATE-1', eventTime: '2021-02-01T10:00:00Z' }], {
      deliveredAt: new Date('2021-02-04T00:02:00Z'),
    })
    await processAll(pipeline, [late])
    expect((await filesByPartition(pipeline.dest)).get('dt=2021-02-01/event_name=ListConfig/')).toHaveLength(2)
    expect(await rowCount(pipeline.destRoot)).toBe(rows + 1)
    const summary = await compactAll(pipeline)
    expect(summary.compacted).toBe(1)
    expect((await filesByPartition(pipeline.dest)).get('dt=2021-02-01/event_name=ListConfig/')).toHaveLength(1)
    expect(await rowCount(pipeline.destRoot)).toBe(rows + 1)
  })

  it('a forced rerun of compacted archives adds no rows and writes no part files', async () => {
    const { pipeline, keys } = await lakeWithDuplicates()
    await compactAll(pipeline)
    const files = await filesByPartition(pipeline.dest)
    const keysAfter = await eventKeys(pipeline.destRoot)
    const rerun = await processAll(pipeline, keys, true)
    expect(rerun.written).toBe(keys.length)
    expect(await filesByPartition(pipeline.dest)).toEqual(files)
    expect(await eventKeys(pipeline.destRoot)).toEqual(keysAfter)
    expect((await compactAll(pipeline)).compacted).toBe(0)
  })

  it('a new version of a compacted archive replaces its rows, also in partitions the new version no longer writes', async () => {
    const { pipeline, corpus } = await lakeWithDuplicates()
    await compactAll(pipeline)
    const key = corpus.keys[5]
    const names = await queryTable(pipeline.destRoot, `SELECT DISTINCT event_name FROM ccc_events WHERE source_object = '${key}' ORDER BY 1`)
    expect(names.length).toBeGreaterThan(1)
    // Same key, new content: one ListConfig event and 39 events of other services (the key says 40 events).
    const others = Array.from({ length: 39 }, (_, i) => ({
      eventId: `ECS-${i}`,
      serviceName: 'Ecs',
      eventName: 'DescribeInstances',
      eventTime: '2021-02-01T13:00:00Z',
    }))
    await pipeline.source.put(key, gzipSync(JSON.stringify([{ ...seedSampleEvent(), eventId: 'NEW-1', eventTime: '2021-02-01T13:00:00Z' }, ...others])))
    const result = await processAll(pipeline, [key])
    expect(result).toMatchObject({ written: 1, failed: 0 })
    // Until the next compaction the old rows show beside the new one; the tombstones (empty files) read fine.
    const [{ n }] = await queryTable(pipeline.destRoot, `SELECT count(*) FILTER (WHERE event_id = 'NEW-1') AS n FROM ccc_events WHERE source_object = '${key}'`)
    expect(n).toBe('1')
    await compactAll(pipeline)
    expect(await queryTable(pipeline.destRoot, `SELECT event_id, event_name FROM ccc_events WHERE source_object = '${key}'`)).toEqual([
      { event_id: 'NEW-1', event_name: 'ListConfig' },
    ])
    for (const files of (await filesByPartition(pipeline.dest)).values()) expect(files).toHaveLength(1)
  })

  it('a new version of a compacted archive that cannot be read takes its old rows out at the next compaction', async () => {
    const { pipeline, corpus } = await lakeWithDuplicates()
    await compactAll(pipeline)
    const key = corpus.keys[4]
    const [{ n }] = await queryTable(pipeline.destRoot, `SELECT count(*) AS n FROM ccc_events WHERE source_object = '${key}'`)
    expect(Number(n)).toBeGreaterThan(0)
    await pipeline.source.put(key, Buffer.from('not gzip at all'))
    expect(await processAll(pipeline, [key])).toMatchObject({ quarantined: 1, failed: 0 })
    await compactAll(pipeline)
    expect(await queryTable(pipeline.destRoot, `SELECT count(*) AS n FROM ccc_events WHERE source_object = '${key}'`)).toEqual([{ n: '0' }])
  })
})
