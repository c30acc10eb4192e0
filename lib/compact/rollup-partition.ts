import type { PartitionRef } from '../layout.js'
import type { CompactContext, PartitionSummary } from './compact-partition.js'
import { loadInputs } from './inputs.js'
import { type DataFile, listDataFiles } from './partitions.js'
import { settleNewest } from './settle-newest.js'
import { sum, writeGroup } from './write-group.js'

/** Work for a roll-up: a part file that arrived since the last one. Cheap: the partition's listing alone. */
export function hasNewParts(files: readonly DataFile[]): boolean {
  return files.some((f) => f.kind === 'part')
}

/**
 * Rolls up one partition of a day still receiving archives: the part files that arrived since the last
 * roll-up, and only those, are merged into one new group of compacted files with a compaction record, the
 * way compaction writes them (visibility, compaction and the pipeline's guard read it as any compaction).
 * Earlier groups are neither read nor rewritten, so the cost follows the new files, not the day; the
 * day's finalization (compactPartition) later merges the groups. An empty part file (the tombstone of a
 * new archive version) is consumed like any other: the group speaks for the sources of the part files it
 * consumed (lib/ledger/visibility.ts). Only tombstones alone wait: a group with no output has no record.
 * The caller holds the partition's lease; it is checked before anything is deleted.
 */
export async function rollUpPartition(ctx: CompactContext, partition: PartitionRef): Promise<PartitionSummary> {
  const { dest, destPrefix, log } = ctx
  await ctx.lease.check()
  const listed = await listDataFiles(dest, destPrefix, partition)
  const recovered = await settleNewest(dest, destPrefix, partition, listed, log)
  const files = recovered > 0 ? await listDataFiles(dest, destPrefix, partition) : listed
  const base = { ...partition, filesBefore: files.length, bytesBefore: sum(files.map((f) => f.bytes)), recovered, duplicates: 0, superseded: 0 }
  const unchanged = { ...base, status: 'unchanged' as const, filesAfter: base.filesBefore, bytesAfter: base.bytesBefore, rowsBefore: null, rowsAfter: null }
  const inputs = await loadInputs(
    dest,
    files.filter((f) => f.kind === 'part'),
  )
  if (!inputs.some((input) => input.table.rows > 0)) return unchanged
  const consumed = inputs.map((input) => input.file)
  const { record, key } = await writeGroup(ctx, partition, consumed, inputs, new Map())
  await ctx.lease.check()
  const now = new Map((await listDataFiles(dest, destPrefix, partition)).map((f) => [f.key, f.etag]))
  // A part file rewritten meanwhile (new etag) stays for the next roll-up.
  await dest.deleteMany(consumed.filter((f) => now.get(f.key) === f.etag).map((f) => f.key))
  if (record.outputs.length === 0) await dest.delete(key)
  const bytesIn = sum(consumed.map((f) => f.bytes))
  const bytesOut = sum(record.outputs.map((o) => o.bytes))
  const summary: PartitionSummary = {
    ...base,
    status: 'compacted',
    filesAfter: files.length - consumed.length + record.outputs.length,
    bytesAfter: base.bytesBefore - bytesIn + bytesOut,
    rowsBefore: record.rows.in,
    rowsAfter: record.rows.out,
    duplicates: record.rows.duplicates,
  }
  log.info('partition rolled up', { ...summary, mergedFiles: consumed.length })
  return summary
}
