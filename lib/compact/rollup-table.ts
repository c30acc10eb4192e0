import { describeHolder, newOwnerId, withLease } from '../ledger/lease.js'
import type { Logger } from '../log.js'
import type { Storage } from '../storage/types.js'
import type { PartitionSummary } from './compact-partition.js'
import { addPartition, type CompactOptions, type CompactSummary, emptySummary, skipped } from './compact-table.js'
import { outputLimits } from './output.js'
import { listDataFiles, listPartitions } from './partitions.js'
import { hasNewParts, rollUpPartition } from './rollup-partition.js'
import { sum } from './write-group.js'

/**
 * Rolls up every partition whose dt the selection takes (the days still receiving archives): a partition
 * without a new part file costs one listing and is not leased; the others are rolled up under their lease,
 * one at a time. A partition whose lease another run holds is left to that run.
 */
export async function rollUpTable(dest: Storage, destPrefix: string, options: CompactOptions, log: Logger): Promise<CompactSummary> {
  const started = Date.now()
  const summary = emptySummary()
  const limits = options.memoryLimitBytes === undefined ? undefined : outputLimits(options.memoryLimitBytes)
  const owner = newOwnerId()
  for await (const partition of listPartitions(dest, destPrefix, options.selection)) {
    if (options.deadline !== undefined && Date.now() > options.deadline) {
      summary.stoppedEarly = true
      break
    }
    const files = await listDataFiles(dest, destPrefix, partition)
    const bytes = sum(files.map((f) => f.bytes))
    const untouched = { ...partition, filesBefore: files.length, filesAfter: files.length, bytesBefore: bytes, bytesAfter: bytes }
    const nothing = { ...untouched, rowsBefore: null, rowsAfter: null, duplicates: 0, superseded: 0, recovered: 0 }
    let result: PartitionSummary = { ...nothing, status: 'unchanged' }
    if (hasNewParts(files)) {
      const ctx = { dest, destPrefix, targetBytes: options.targetBytes, log, limits }
      const run = await withLease(
        dest,
        destPrefix,
        partition,
        { purpose: 'roll-up', owner, ...(options.wait ? { waitMs: Number.MAX_SAFE_INTEGER } : {}), ...options.lease },
        (lease) => rollUpPartition({ ...ctx, lease }, partition),
      )
      result = run.kind === 'done' ? run.value : skipped(partition, describeHolder(run.holder))
      if (run.kind === 'held')
        log.info('partition skipped: another run holds its lease', { dt: partition.dt, eventName: partition.eventName, heldBy: result.heldBy })
    }
    addPartition(summary, result)
    options.onPartition?.(result)
  }
  summary.millis = Date.now() - started
  log.info('roll-up finished', { ...summary })
  return summary
}
