import { compactionRecordPrefix, fileNameOf, type PartitionRef, partitionPrefix } from '../layout.js'
import type { CompactionRecord } from '../ledger/compaction-records.js'
import { type FileVersion, partitionVisibility } from '../ledger/visibility.js'
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
 * the same moment) is read, and the ledger's visibility rule (lib/ledger/visibility.ts) says what of it
 * goes, as recover.ts does with all of them: a run that died writing loses its outputs and record, the
 * inputs a finished run left behind go, a record that describes nothing goes.
 * `files` is the partition's listing; returns how many records needed work.
 */
export async function settleNewest(dest: Storage, destPrefix: string, partition: PartitionRef, files: readonly DataFile[], log: Logger): Promise<number> {
  const newest = await newestRecords(dest, compactionRecordPrefix(destPrefix, partition))
  if (newest.length === 0) return 0
  const keyOf = new Map<CompactionRecord, string>()
  for (const info of newest) keyOf.set(await readJson<CompactionRecord>(dest, info.key), info.key)
  const listing = new Map<string, FileVersion>(files.map((f) => [fileNameOf(f.key), { etag: f.etag }]))
  const visible = partitionVisibility({ files: listing, records: [...keyOf.keys()], now: Date.now() })
  const folder = partitionPrefix(destPrefix, partition)
  const fields = (record: CompactionRecord) => ({ dt: partition.dt, eventName: partition.eventName, compaction: record.id })
  for (const { record, files: left } of visible.unfinished) {
    await dest.deleteMany(left.map((name) => folder + name))
    await dest.delete(keyOf.get(record)!)
    log.warn('rolled back an interrupted roll-up or compaction', fields(record))
  }
  if (visible.consumed.length > 0) {
    await dest.deleteMany(visible.consumed.map((name) => folder + name))
    log.warn('finished an interrupted roll-up or compaction', { dt: partition.dt, eventName: partition.eventName, deletedInputs: visible.consumed.length })
  }
  if (visible.dead.length > 0) await dest.deleteMany(visible.dead.map((record) => keyOf.get(record)!))
  return visible.unfinished.length + (visible.consumed.length > 0 ? 1 : 0)
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
