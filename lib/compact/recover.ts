import { fileNameOf, type PartitionRef, partitionPrefix } from '../layout.js'
import { type CompactionRecord, listRecords } from '../ledger/compaction-records.js'
import { type FileVersion, partitionVisibility } from '../ledger/visibility.js'
import type { Logger } from '../log.js'
import type { Storage } from '../storage/types.js'
import { listDataFiles } from './partitions.js'

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
 * Brings one partition back to a clean state, before anything else touches it, by deleting what the
 * ledger's visibility rule (lib/ledger/visibility.ts) says no reader reads:
 *  - a run still `writing` died while writing outputs (no input had been deleted yet): its outputs only
 *    duplicate rows; they go, and its record;
 *  - a `written` run whose outputs all exist died while deleting inputs: what is left of them at the
 *    version it read goes (a part file rewritten since then stays);
 *  - a `written` record whose outputs a later run consumed, or that are missing, describes nothing: it goes.
 */
export async function recoverPartition(dest: Storage, destPrefix: string, partition: PartitionRef, log: Logger): Promise<Recovery> {
  const listed = await listRecords(dest, destPrefix, partition)
  const keyOf = new Map(listed.map(({ key, record }) => [record, key]))
  const files = new Map<string, FileVersion>((await listDataFiles(dest, destPrefix, partition)).map((f) => [fileNameOf(f.key), { etag: f.etag }]))
  const visible = partitionVisibility({ files, records: listed.map((r) => r.record), now: Date.now() })
  const folder = partitionPrefix(destPrefix, partition)
  const fields = (record: CompactionRecord) => ({ dt: partition.dt, eventName: partition.eventName, compaction: record.id })
  for (const { record, files: left } of visible.unfinished) {
    await dest.deleteMany(left.map((name) => folder + name))
    await dest.delete(keyOf.get(record)!)
    log.warn('rolled back an interrupted compaction', fields(record))
  }
  const consumed = new Set(visible.consumed)
  let finished = 0
  for (const record of listed.map((r) => r.record).filter((r) => r.state === 'written')) {
    const leftovers = record.inputs.filter((input) => consumed.delete(fileNameOf(input.key)))
    if (leftovers.length === 0) continue
    await dest.deleteMany(leftovers.map((input) => input.key))
    finished++
    log.warn('finished an interrupted compaction', { ...fields(record), deletedInputs: leftovers.length })
  }
  if (visible.dead.length > 0) await dest.deleteMany(visible.dead.map((record) => keyOf.get(record)!))
  const live = new Map(visible.live.flatMap((record) => record.outputs.map((o) => [o.key, keyOf.get(record)!] as const)))
  const inFlight = new Set(visible.inFlight.flatMap((batch) => batch.files.map((name) => folder + name)))
  return { finished, rolledBack: visible.unfinished.length, live, records: visible.live, inFlight }
}
