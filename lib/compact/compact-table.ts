import type { PartitionRef } from '../layout.js'
import { describeHolder, type LeaseOptions, newOwnerId, withLease } from '../ledger/lease.js'
import type { Logger } from '../log.js'
import type { Storage } from '../storage/types.js'
import { type CompactContext, compactPartition, type PartitionSummary } from './compact-partition.js'
import { outputLimits } from './output.js'
import { type DateSelection, listPartitions } from './partitions.js'

export interface CompactOptions {
  selection: DateSelection
  targetBytes: number
  /** MEMORY_LIMIT_MB: bounds the row groups and upload queue of the outputs (not the inputs, held compressed). */
  memoryLimitBytes?: number
  onPartition?: (summary: PartitionSummary) => void
  /** Epoch millis after which no new partition starts (an FC invocation's time budget). */
  deadline?: number
  /** A partition whose lease another run holds is skipped; with `wait`, compaction waits for it instead. */
  wait?: boolean
  /** Lease settings (tests: a clock, a short TTL). */
  lease?: Partial<LeaseOptions>
}

export interface CompactSummary {
  partitions: number
  compacted: number
  unchanged: number
  /** Partitions another run held the lease of (left to that run). */
  skipped: number
  /** Partitions left for the next run because the deadline came. */
  stoppedEarly: boolean
  filesBefore: number
  filesAfter: number
  bytesBefore: number
  bytesAfter: number
  rowsBefore: number
  rowsAfter: number
  duplicates: number
  superseded: number
  recovered: number
  millis: number
}

/** Compacts every partition whose dt the selection takes, one at a time, each under its lease. */
export function compactTable(dest: Storage, destPrefix: string, options: CompactOptions, log: Logger): Promise<CompactSummary> {
  return leasedPass(dest, destPrefix, options, log, { purpose: 'compaction', finished: 'compaction finished' }, (partition, underLease) =>
    underLease((ctx) => compactPartition(ctx, partition)),
  )
}

/** Runs `work` on one partition under its lease; a partition whose lease another run holds is left to that run. */
export type UnderLease = (work: (ctx: CompactContext) => Promise<PartitionSummary>) => Promise<PartitionSummary>

/**
 * One pass of a writer that deletes (compaction, roll-up) over the partitions whose dt the selection takes,
 * one at a time: stops starting partitions at the deadline, hands `visit` a way to work on a partition
 * under its lease (skipped, with a line, when another run holds it), and sums the partitions up.
 */
export async function leasedPass(
  dest: Storage,
  destPrefix: string,
  options: CompactOptions,
  log: Logger,
  pass: { purpose: string; finished: string },
  visit: (partition: PartitionRef, underLease: UnderLease) => Promise<PartitionSummary>,
): Promise<CompactSummary> {
  const started = Date.now()
  const summary = emptySummary()
  const limits = options.memoryLimitBytes === undefined ? undefined : outputLimits(options.memoryLimitBytes)
  const leaseOptions: LeaseOptions = {
    purpose: pass.purpose,
    owner: newOwnerId(),
    ...(options.wait ? { waitMs: Number.MAX_SAFE_INTEGER } : {}),
    ...options.lease,
  }
  for await (const partition of listPartitions(dest, destPrefix, options.selection)) {
    if (options.deadline !== undefined && Date.now() > options.deadline) {
      summary.stoppedEarly = true
      break
    }
    const result = await visit(partition, async (work) => {
      const run = await withLease(dest, destPrefix, partition, leaseOptions, (lease) =>
        work({ dest, destPrefix, targetBytes: options.targetBytes, log, limits, lease }),
      )
      if (run.kind === 'done') return run.value
      const held = skipped(partition, describeHolder(run.holder))
      log.info('partition skipped: another run holds its lease', { dt: partition.dt, eventName: partition.eventName, heldBy: held.heldBy })
      return held
    })
    addPartition(summary, result)
    options.onPartition?.(result)
  }
  summary.millis = Date.now() - started
  log.info(pass.finished, { ...summary })
  return summary
}

export function skipped(partition: PartitionRef, heldBy: string): PartitionSummary {
  const nothing = {
    filesBefore: 0,
    filesAfter: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    rowsBefore: null,
    rowsAfter: null,
    duplicates: 0,
    superseded: 0,
    recovered: 0,
  }
  return { ...partition, status: 'skipped', ...nothing, heldBy }
}

export function emptySummary(): CompactSummary {
  return {
    partitions: 0,
    compacted: 0,
    unchanged: 0,
    skipped: 0,
    stoppedEarly: false,
    filesBefore: 0,
    filesAfter: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    rowsBefore: 0,
    rowsAfter: 0,
    duplicates: 0,
    superseded: 0,
    recovered: 0,
    millis: 0,
  }
}

export function addPartition(summary: CompactSummary, result: PartitionSummary): void {
  summary.partitions++
  if (result.status === 'compacted') summary.compacted++
  else if (result.status === 'skipped') summary.skipped++
  else summary.unchanged++
  summary.filesBefore += result.filesBefore
  summary.filesAfter += result.filesAfter
  summary.bytesBefore += result.bytesBefore
  summary.bytesAfter += result.bytesAfter
  summary.rowsBefore += result.rowsBefore ?? 0
  summary.rowsAfter += result.rowsAfter ?? 0
  summary.duplicates += result.duplicates
  summary.superseded += result.superseded
  summary.recovered += result.recovered
}
