import type { Logger } from '../log.js'
import { listObjects } from '../storage/list.js'
import type { Storage } from '../storage/types.js'
import { compactedFilePrefix, type PartitionRef } from '../layout.js'
import { listRecords, type CompactionRecord } from '../ledger/compaction-records.js'

export interface Recovery {
  /** Interrupted compactions whose leftover inputs were deleted now. */
  finished: number
  /** Interrupted compactions whose partial outputs were deleted now (their inputs were all still there). */
  rolledBack: number
  /** Live compacted files: output key -> key of the record describing it. */
  live: Map<string, string>
}

/**
 * Brings one partition back to a clean state from its compaction records, before anything else touches it:
 *  - `writing`: the run died while writing outputs. No input had been deleted yet, so the outputs written
 *    so far only duplicate rows; delete them and the record.
 *  - `written`, every output present: the run died while deleting inputs; delete what is left of them
 *    (only inputs still at the version it read: a part file rewritten since then stays).
 *  - `written`, outputs missing (now, after the step before): a later compaction consumed them, or they
 *    were removed by hand; the record describes nothing any more and goes.
 */
export async function recoverPartition(dest: Storage, destPrefix: string, partition: PartitionRef, log: Logger): Promise<Recovery> {
  const recovery: Recovery = { finished: 0, rolledBack: 0, live: new Map() }
  const records = await listRecords(dest, destPrefix, partition)
  const fields = (record: CompactionRecord) => ({ dt: partition.dt, eventName: partition.eventName, compaction: record.id })
  for (const { key, record } of records.filter((r) => r.record.state === 'writing')) {
    for await (const info of listObjects(dest, compactedFilePrefix(destPrefix, partition, record.id))) await dest.delete(info.key)
    await dest.delete(key)
    recovery.rolledBack++
    log.warn('rolled back an interrupted compaction', fields(record))
  }
  const written = records.filter((r) => r.record.state === 'written')
  for (const { record } of written) {
    if (!(await allPresent(dest, record))) continue
    const deleted = await deleteLeftovers(dest, record)
    if (deleted > 0) {
      recovery.finished++
      log.warn('finished an interrupted compaction', { ...fields(record), deletedInputs: deleted })
    }
  }
  // Checked again: finishing one record may have consumed the outputs of an older one.
  for (const { key, record } of written) {
    if (record.outputs.length === 0 || !(await allPresent(dest, record))) await dest.delete(key)
    else for (const output of record.outputs) recovery.live.set(output.key, key)
  }
  return recovery
}

async function allPresent(dest: Storage, record: CompactionRecord): Promise<boolean> {
  return (await Promise.all(record.outputs.map((o) => dest.head(o.key)))).every(Boolean)
}

/** Inputs still there at the version the compaction read. */
async function deleteLeftovers(dest: Storage, record: CompactionRecord): Promise<number> {
  let deleted = 0
  for (const input of record.inputs) {
    const info = await dest.head(input.key)
    if (info?.etag === input.etag) {
      await dest.delete(input.key)
      deleted++
    }
  }
  return deleted
}
