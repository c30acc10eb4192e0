import { compactedFileKey, compactionId, type PartitionRef } from '../layout.js'
import { type CompactionRecord, writeRecord } from '../ledger/compaction-records.js'
import { EVENT_ID_INDEX, SOURCE_OBJECT_INDEX } from '../schema/columns.js'
import { FingerprintSet } from '../util/fingerprint-set.js'
import type { CompactContext } from './compact-partition.js'
import { type LoadedInput, runsOf } from './inputs.js'
import { mergeRuns } from './merge.js'
import { OutputFiles } from './output.js'
import type { DataFile } from './partitions.js'
import { StandIns } from './stand-ins.js'

/**
 * Merges `inputs` (the loaded `files`) into one new group of compacted files of the partition, described by
 * its record: record (`writing`) -> outputs, streamed -> record (`written`). Rows sorted by event_time, one
 * row per event_id (rows without one are all kept), the rows `stale` names dropped. Deletes nothing: the
 * caller deletes the inputs once this returns. Compaction and the roll-up both write through here.
 */
export async function writeGroup(
  ctx: CompactContext,
  partition: PartitionRef,
  files: readonly DataFile[],
  inputs: readonly LoadedInput[],
  stale: Map<string, Set<string>>,
  /** The live records of the partition: the stand-ins of the groups among the inputs (stand-ins.ts). */
  records: readonly CompactionRecord[] = [],
): Promise<{ record: CompactionRecord; key: string }> {
  const { dest, destPrefix } = ctx
  const record: CompactionRecord = {
    version: 1,
    id: compactionId(files),
    dt: partition.dt,
    eventName: partition.eventName,
    state: 'writing',
    startedAt: new Date().toISOString(),
    inputs: files.map((f) => ({ key: f.key, etag: f.etag, bytes: f.bytes })),
    outputs: [],
    sources: [],
    rows: { in: sum(inputs.map((i) => i.table.rows)), out: 0, duplicates: 0, superseded: 0 },
  }
  const key = await writeRecord(dest, destPrefix, record)
  const output = new OutputFiles(ctx.targetBytes, dest, (index) => compactedFileKey(destPrefix, partition, record.id, index), ctx.limits)
  const dropped = { rows: 0 }
  // Event ids as fingerprints, as the router keeps them: a partition's ids stay small however many.
  const seen = new FingerprintSet()
  const sources = new Set<string>()
  const standIns = new StandIns(records, files)
  try {
    await mergeRuns(
      runsOf(inputs, stale, dropped, (row) => standIns.restore(row)),
      (row) => {
        const source = row[SOURCE_OBJECT_INDEX] as string
        sources.add(source)
        const id = row[EVENT_ID_INDEX]
        if (typeof id === 'string') {
          if (!seen.add(id)) {
            standIns.dropped(id, source)
            record.rows.duplicates++
            return
          }
          standIns.kept(id, source)
        }
        return output.add(row)
      },
    )
    record.outputs = await output.finish()
  } catch (error) {
    await output.abort(error)
    throw error
  }
  Object.assign(record, { state: 'written', finishedAt: new Date().toISOString(), sources: [...sources].sort(), standIns: standIns.toRecord() })
  record.rows.out = sum(record.outputs.map((o) => o.rows))
  record.rows.superseded = dropped.rows
  await writeRecord(dest, destPrefix, record)
  return { record, key }
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0)
}
