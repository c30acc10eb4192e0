import { compactionRecordPrefix, type PartitionRef } from '../layout.js'
import type { CompactionRecord } from '../ledger/compaction-records.js'
import type { Logger } from '../log.js'
import { listObjects } from '../storage/list.js'
import { readJson } from '../storage/read.js'
import type { ObjectInfo, Storage } from '../storage/types.js'
import type { DataFile } from './partitions.js'
import { settleRecords } from './recover.js'

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
 * goes, with recover.ts's `settleRecords`, which compaction's recovery runs over all of them.
 * `files` is the partition's listing; returns how many records needed work.
 */
export async function settleNewest(dest: Storage, destPrefix: string, partition: PartitionRef, files: readonly DataFile[], log: Logger): Promise<number> {
  const newest = await newestRecords(dest, compactionRecordPrefix(destPrefix, partition))
  if (newest.length === 0) return 0
  const listed = await Promise.all(newest.map(async (info) => ({ key: info.key, record: await readJson<CompactionRecord>(dest, info.key) })))
  const { visible, finished } = await settleRecords(dest, destPrefix, partition, listed, files, log)
  return visible.unfinished.length + finished
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
