import { fileNameOf, type PartitionRef, partitionPrefix } from '../layout.js'
import { type CompactionRecord, listRecords } from '../ledger/compaction-records.js'
import { type FileVersion, type PartitionVisibility, partitionVisibility } from '../ledger/visibility.js'
import type { Logger } from '../log.js'
import type { Storage } from '../storage/types.js'
import { type DataFile, listDataFiles } from './partitions.js'

export interface Recovery {
  /** Interrupted compactions whose leftover inputs were deleted now. */
  finished: number
  /** Interrupted compactions whose partial outputs were deleted now (their inputs were all still there). */
  rolledBack: number
  /** Live compacted files: output key -> key of the record describing it. */
  live: Map<string, string>
  /** The records describing the partition's compacted files now. */
  records: CompactionRecord[]
  /** Keys of files a batch is still writing: not compaction's to merge or delete. */
  inFlight: Set<string>
}

/**
 * Brings one partition back to a clean state, before anything else touches it, from all its records.
 * The caller holds the partition's lease.
 */
export async function recoverPartition(dest: Storage, destPrefix: string, partition: PartitionRef, log: Logger): Promise<Recovery> {
  const listed = await listRecords(dest, destPrefix, partition)
  const { visible, finished, keyOf } = await settleRecords(dest, destPrefix, partition, listed, await listDataFiles(dest, destPrefix, partition), log)
  const live = new Map(visible.live.flatMap((record) => record.outputs.map((o) => [o.key, keyOf.get(record)!] as const)))
  const folder = partitionPrefix(destPrefix, partition)
  const inFlight = new Set(visible.inFlight.flatMap((batch) => batch.files.map((name) => folder + name)))
  return { finished, rolledBack: visible.unfinished.length, live, records: visible.live, inFlight }
}

/**
 * Deletes what the ledger's visibility rule (lib/ledger/visibility.ts) says no reader reads, given some
 * of the partition's records (all of them for compaction; the newest for the roll-up, see settle-newest.ts):
 *  - a run that died `writing` (a compaction, a roll-up, or a batch abandoned for hours): its outputs only
 *    duplicate rows its inputs still hold, or hold rows nobody committed; they go, and its record;
 *  - a `written` run whose outputs all exist died while deleting inputs: what is left of them at the
 *    version it read goes (a part file rewritten since then stays);
 *  - a `written` record whose outputs a later run consumed, or that are missing, describes nothing: it goes.
 * A batch still writing is left alone. Returns the rule's answer and how many finished runs needed work.
 */
export async function settleRecords(
  dest: Storage,
  destPrefix: string,
  partition: PartitionRef,
  listed: readonly { key: string; record: CompactionRecord }[],
  dataFiles: readonly DataFile[],
  log: Logger,
): Promise<{ visible: PartitionVisibility; finished: number; keyOf: Map<CompactionRecord, string> }> {
  const keyOf = new Map(listed.map(({ key, record }) => [record, key]))
  const files = new Map<string, FileVersion>(dataFiles.map((f) => [fileNameOf(f.key), { etag: f.etag }]))
  const visible = partitionVisibility({ files, records: [...keyOf.keys()], now: Date.now() })
  const folder = partitionPrefix(destPrefix, partition)
  const fields = (record: CompactionRecord) => ({ dt: partition.dt, eventName: partition.eventName, compaction: record.id })
  for (const { record, files: left } of visible.unfinished) {
    await dest.deleteMany(left.map((name) => folder + name))
    await dest.delete(keyOf.get(record)!)
    log.warn('rolled back an interrupted compaction, roll-up or batch', fields(record))
  }
  const consumed = new Set(visible.consumed)
  let finished = 0
  for (const record of keyOf.keys()) {
    if (record.state !== 'written') continue
    const leftovers = record.inputs.filter((input) => consumed.delete(fileNameOf(input.key)))
    if (leftovers.length === 0) continue
    await dest.deleteMany(leftovers.map((input) => input.key))
    finished++
    log.warn('finished an interrupted compaction or roll-up', { ...fields(record), deletedInputs: leftovers.length })
  }
  if (visible.dead.length > 0) await dest.deleteMany(visible.dead.map((record) => keyOf.get(record)!))
  return { visible, finished, keyOf }
}
