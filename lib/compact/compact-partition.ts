import type { PartitionRef } from '../layout.js'
import type { Lease } from '../ledger/lease.js'
import type { Logger } from '../log.js'
import type { Storage } from '../storage/types.js'
import { loadInputs, supersededSources } from './inputs.js'
import type { OutputLimits } from './output.js'
import { type DataFile, listDataFiles } from './partitions.js'
import { recoverPartition } from './recover.js'
import { sum, writeGroup } from './write-group.js'

export interface CompactContext {
  dest: Storage
  destPrefix: string
  targetBytes: number
  log: Logger
  /** What the outputs buffer (from MEMORY_LIMIT_MB); defaults otherwise. */
  limits?: OutputLimits
  /** The partition's lease, held by the caller for the whole call (recovery included); checked before deleting. */
  lease: Pick<Lease, 'check'>
}

export interface PartitionSummary extends PartitionRef {
  /** `skipped`: another run holds the partition's lease (see `heldBy`); nothing was read or changed. */
  status: 'compacted' | 'unchanged' | 'skipped'
  filesBefore: number
  filesAfter: number
  bytesBefore: number
  bytesAfter: number
  /** Row counts are known only for compacted partitions (unchanged ones are not read). */
  rowsBefore: number | null
  rowsAfter: number | null
  /** Rows dropped because another row of the partition has the same event_id. */
  duplicates: number
  /** Rows dropped because a newer version of their source object is in the partition. */
  superseded: number
  /** Interrupted compactions of this partition finished or rolled back first. */
  recovered: number
  /** For `skipped`: who holds the lease, what for, and until when. */
  heldBy?: string
}

/**
 * Compacts one (dt, event_name) partition: every part-* and compact-* file merged into files near the
 * target size, rows sorted by event_time, one row per event_id (rows without one are all kept).
 * Order of effects, so that no row is ever missing: record (`writing`) -> outputs -> record (`written`)
 * -> delete inputs. A crash anywhere leaves at worst duplicates, which the next run's recovery removes.
 */
export async function compactPartition(ctx: CompactContext, partition: PartitionRef): Promise<PartitionSummary> {
  const { dest, destPrefix, log } = ctx
  await ctx.lease.check()
  const recovery = await recoverPartition(dest, destPrefix, partition, log)
  // A batch still writing here (a backfill of this day) keeps its files: the next run merges them.
  const files = (await listDataFiles(dest, destPrefix, partition)).filter((f) => !recovery.inFlight.has(f.key))
  const before = { files: files.length, bytes: sum(files.map((f) => f.bytes)) }
  const base = { ...partition, filesBefore: before.files, bytesBefore: before.bytes, recovered: recovery.finished + recovery.rolledBack }
  if (!needsCompaction(files, ctx.targetBytes)) {
    return { ...base, status: 'unchanged', filesAfter: before.files, bytesAfter: before.bytes, rowsBefore: null, rowsAfter: null, duplicates: 0, superseded: 0 }
  }
  const inputs = await loadInputs(dest, files)
  const { record, key: recordKey } = await writeGroup(ctx, partition, files, inputs, supersededSources(inputs, recovery.records), recovery.records)
  await ctx.lease.check()
  await deleteInputs(ctx, partition, files, recovery.live, recordKey)
  if (record.outputs.length === 0) await dest.delete(recordKey)
  const summary: PartitionSummary = {
    ...base,
    status: 'compacted',
    filesAfter: record.outputs.length,
    bytesAfter: sum(record.outputs.map((o) => o.bytes)),
    rowsBefore: record.rows.in,
    rowsAfter: record.rows.out,
    duplicates: record.rows.duplicates,
    superseded: record.rows.superseded,
  }
  log.info('partition compacted', { ...summary })
  return summary
}

/** Work to do: a part file to merge, or more compacted files than the size target needs. */
export function needsCompaction(files: readonly DataFile[], targetBytes: number): boolean {
  const compacted = files.filter((f) => f.kind === 'compact').length
  return compacted < files.length || compacted > Math.max(1, Math.ceil(sum(files.map((f) => f.bytes)) / targetBytes))
}

/**
 * Inputs go only now that every output exists: one listing of the partition for their versions, then
 * multi-object deletes. One rewritten meanwhile (new etag) stays for the next run. The records of
 * compacted inputs go after the inputs, so a crash between never leaves a compacted file without its record.
 */
async function deleteInputs(
  ctx: CompactContext,
  partition: PartitionRef,
  files: readonly DataFile[],
  live: Map<string, string>,
  current: string,
): Promise<void> {
  const now = new Map((await listDataFiles(ctx.dest, ctx.destPrefix, partition)).map((f) => [f.key, f.etag]))
  const consumed = files.filter((file) => now.get(file.key) === file.etag)
  for (const file of files)
    if (now.has(file.key) && now.get(file.key) !== file.etag) ctx.log.warn('input changed during compaction; kept for the next run', { key: file.key })
  await ctx.dest.deleteMany(consumed.map((file) => file.key))
  const records = new Set(files.map((file) => live.get(file.key)).filter((record): record is string => record !== undefined && record !== current))
  await ctx.dest.deleteMany([...records])
}
