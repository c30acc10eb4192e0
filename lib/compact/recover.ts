import type { Logger } from '../log.js'
import { listObjects } from '../storage/list.js'
import type { Storage } from '../storage/types.js'
import { outputPrefix, type PartitionRef } from './layout.js'
import { listRecords } from './records.js'

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
 *  - `written`, outputs missing: a later compaction consumed them (or they were removed by hand); the
 *    record describes nothing any more and goes.
 */
export async function recoverPartition(dest: Storage, destPrefix: string, partition: PartitionRef, log: Logger): Promise<Recovery> {
  const recovery: Recovery = { finished: 0, rolledBack: 0, live: new Map() }
  for (const { key, record } of await listRecords(dest, destPrefix, partition)) {
    const fields = { dt: partition.dt, eventName: partition.eventName, compaction: record.id }
    if (record.state === 'writing') {
      for await (const info of listObjects(dest, outputPrefix(destPrefix, partition, record.id))) await dest.delete(info.key)
      await dest.delete(key)
      recovery.rolledBack++
      log.warn('rolled back an interrupted compaction', fields)
      continue
    }
    const present = await Promise.all(record.outputs.map((o) => dest.head(o.key)))
    if (!present.every(Boolean)) {
      await dest.delete(key)
      continue
    }
    let leftovers = 0
    for (const input of record.inputs) {
      const info = await dest.head(input.key)
      if (info?.etag === input.etag) {
        await dest.delete(input.key)
        leftovers++
      }
    }
    if (leftovers > 0) {
      recovery.finished++
      log.warn('finished an interrupted compaction', { ...fields, deletedInputs: leftovers })
    }
    if (record.outputs.length === 0) await dest.delete(key)
    for (const output of record.outputs) recovery.live.set(output.key, key)
  }
  return recovery
}
