import { compactedFilePrefix, compactionRecordPrefix, type PartitionRef } from '../layout.js'
import type { CompactionRecord } from '../ledger/compaction-records.js'
import type { Logger } from '../log.js'
import { listObjects } from '../storage/list.js'
import { readJson } from '../storage/read.js'
import type { ObjectInfo, Storage } from '../storage/types.js'
import type { DataFile } from './partitions.js'

/**
 * Records written within this long of the newest one are read too: OSS gives times to the second, and
 * "newest" must not hinge on which of two records of the same second the listing sorts first.
 */
const SAME_MOMENT_MS = 2_000

/**
 * The roll-up's recovery, whose cost does not grow with the records a partition gathers over a day.
 * Every writer of a partition (roll-up, compaction) holds its lease and settles the partition before it
 * writes a record of its own, so at most one record is unsettled: the newest. Only that one (and any of
 * the same moment) is read; full compaction's recovery (recover.ts) reads them all.
 *  - `writing`: its outputs so far only duplicate rows its inputs still hold; they go, then the record.
 *  - `written`, every output listed: inputs still listed at the version it read go.
 *  - `written`, outputs missing: it describes nothing any more; it goes.
 * `files` is the partition's listing; returns how many records needed work.
 */
export async function settleNewest(dest: Storage, destPrefix: string, partition: PartitionRef, files: readonly DataFile[], log: Logger): Promise<number> {
  const etags = new Map(files.map((f) => [f.key, f.etag]))
  let settled = 0
  for (const info of await newestRecords(dest, compactionRecordPrefix(destPrefix, partition))) {
    const record = await readJson<CompactionRecord>(dest, info.key)
    const fields = { dt: partition.dt, eventName: partition.eventName, compaction: record.id }
    if (record.state === 'writing') {
      const partial = compactedFilePrefix(destPrefix, partition, record.id)
      await dest.deleteMany(files.filter((f) => f.key.startsWith(partial)).map((f) => f.key))
      await dest.delete(info.key)
      log.warn('rolled back an interrupted compaction', fields)
      settled++
    } else if (record.outputs.length > 0 && record.outputs.every((o) => etags.has(o.key))) {
      const leftovers = record.inputs.filter((input) => etags.get(input.key) === input.etag).map((input) => input.key)
      if (leftovers.length === 0) continue
      await dest.deleteMany(leftovers)
      log.warn('finished an interrupted compaction', { ...fields, deletedInputs: leftovers.length })
      settled++
    } else {
      await dest.delete(info.key)
    }
  }
  return settled
}

async function newestRecords(dest: Storage, prefix: string): Promise<ObjectInfo[]> {
  const records: ObjectInfo[] = []
  for await (const info of listObjects(dest, prefix, { delimiter: '/' })) if (info.key.endsWith('.json')) records.push(info)
  const newest = Math.max(...records.map(timeOf))
  return records.filter((info) => timeOf(info) >= newest - SAME_MOMENT_MS)
}

function timeOf(info: ObjectInfo): number {
  return info.lastModified?.getTime() ?? Number.POSITIVE_INFINITY
}
