import { describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { batchFileKey, compactionRecordKey, type PartitionRef } from '../../lib/layout.js'
import { type CompactionRecord, writeRecord } from '../../lib/ledger/compaction-records.js'
import { ABANDONED_BATCH_MS } from '../../lib/ledger/visibility.js'
import { readAll } from '../../lib/storage/read.js'
import { testPipeline } from '../support/pipeline.js'
import { compactAll, eventKeys, filesByPartition, processAll } from '../support/table-runs.js'

/**
 * A backfill batch writes its files under a `writing` record and holds no lease (it deletes nothing). A
 * compaction (or roll-up) of the same partition meanwhile must neither roll it back nor merge its files;
 * only a batch abandoned for longer than any run lasts is rolled back.
 */

const PARTITION: PartitionRef = { dt: '2021-02-03', eventName: 'ListConfig' }
const BATCH = 'b1a7c4e0d2f3a9b8'

async function lakeWithBatch(startedAt: Date) {
  const pipeline = await testPipeline()
  const events = (from: number) =>
    Array.from({ length: 4 }, (_, i) => ({ ...seedSampleEvent(), eventName: 'ListConfig', eventTime: `2021-02-03T01:00:0${i}Z`, eventId: `E${from + i}` }))
  const keys = [
    await putArchive(pipeline.source, events(0)),
    await putArchive(pipeline.source, events(4), { deliveredAt: new Date(Date.UTC(2021, 1, 3, 2, 5)) }),
  ]
  await processAll(pipeline, keys)
  const ids = await eventKeys(pipeline.destRoot)
  // The batch's file so far: a copy of one archive's rows (it re-converts that archive), not committed yet.
  const [folder, names] = [...(await filesByPartition(pipeline.dest))][0]!
  const batchKey = batchFileKey('', PARTITION, BATCH)
  await pipeline.dest.put(batchKey, await readAll(pipeline.dest, folder + names[0]))
  const record: CompactionRecord = {
    version: 1,
    id: BATCH,
    dt: PARTITION.dt,
    eventName: PARTITION.eventName,
    state: 'writing',
    startedAt: startedAt.toISOString(),
    inputs: [],
    outputs: [],
    sources: [],
    rows: { in: 0, out: 0, duplicates: 0, superseded: 0 },
  }
  await writeRecord(pipeline.dest, '', record)
  return { pipeline, ids, batchKey, recordKey: compactionRecordKey('', PARTITION, BATCH) }
}

describe('compaction beside a batch still writing the same partition', () => {
  it('leaves the batch its files and record, merges the rest, and readers never see the batch rows', async () => {
    const { pipeline, ids, batchKey, recordKey } = await lakeWithBatch(new Date())
    expect(await eventKeys(pipeline.destRoot), 'uncommitted batch rows are not read').toEqual(ids)
    const summary = await compactAll(pipeline)
    expect(summary.compacted, 'the part files were compacted').toBe(1)
    expect(await pipeline.dest.head(batchKey), 'the batch file is still there').toBeDefined()
    expect(await pipeline.dest.head(recordKey), 'its record too').toBeDefined()
    expect(await eventKeys(pipeline.destRoot)).toEqual(ids)
  })

  it('rolls back a batch abandoned longer than any run lasts', async () => {
    const { pipeline, ids, batchKey, recordKey } = await lakeWithBatch(new Date(Date.now() - ABANDONED_BATCH_MS - 60_000))
    await compactAll(pipeline)
    expect(await pipeline.dest.head(batchKey)).toBeUndefined()
    expect(await pipeline.dest.head(recordKey)).toBeUndefined()
    expect(await eventKeys(pipeline.destRoot)).toEqual(ids)
  })
})
