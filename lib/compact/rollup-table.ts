import type { Logger } from '../log.js'
import type { Storage } from '../storage/types.js'
import { type CompactOptions, type CompactSummary, leasedPass } from './compact-table.js'
import { listDataFiles } from './partitions.js'
import { hasNewParts, rollUpPartition } from './rollup-partition.js'
import { sum } from './write-group.js'

/**
 * Rolls up every partition whose dt the selection takes (the days still receiving archives): a partition
 * without a new part file costs one listing and is not leased; the others are rolled up under their lease,
 * one at a time. A partition whose lease another run holds is left to that run.
 */
export function rollUpTable(dest: Storage, destPrefix: string, options: CompactOptions, log: Logger): Promise<CompactSummary> {
  return leasedPass(dest, destPrefix, options, log, { purpose: 'roll-up', finished: 'roll-up finished' }, async (partition, underLease) => {
    const files = await listDataFiles(dest, destPrefix, partition)
    if (hasNewParts(files)) return underLease((ctx) => rollUpPartition(ctx, partition))
    const bytes = sum(files.map((f) => f.bytes))
    const untouched = { ...partition, filesBefore: files.length, filesAfter: files.length, bytesBefore: bytes, bytesAfter: bytes }
    return { ...untouched, status: 'unchanged', rowsBefore: null, rowsAfter: null, duplicates: 0, superseded: 0, recovered: 0 }
  })
}
