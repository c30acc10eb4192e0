import { compactionRecordDayPrefix, isSharedDataFile, partFileKey } from '../layout.js'
import type { Storage } from '../storage/types.js'
import { listRecords } from './compaction-records.js'
import type { Manifest, OutputFile } from './manifest.js'

/**
 * How the pipeline keeps compacted partitions exact when it converts an archive it converted before
 * (forced rerun, quarantine replay, new version of the object). Compaction merges `part-<id>` files
 * away, and a batch writes one file for many archives, so rows of an earlier run may live in a multi-source
 * file (a batch file its manifest names, or a live compaction or batch record lists the source):
 *  - same version of the object: those rows are what this run would write, so the part file is not
 *    written again; a rerun adds no duplicate rows;
 *  - a partition an earlier run wrote and this run does not: an empty part file (a tombstone) is written
 *    (by lib/write/tombstones.ts; the guard says where); part files win over compacted rows, so the next
 *    compaction drops the old rows there;
 *  - a new version writing into such a partition: its part file is written and replaces the compacted
 *    rows of that source at the next compaction (until then both show to engines that ignore the records).
 * Shared files are never deleted for one source (lib/ledger/archive-ledger.ts keeps them).
 * A first run of an archive (no earlier manifest) costs nothing here.
 */
export interface CompactionGuard {
  /** False when this output's rows already sit in a compacted file of its partition. */
  shouldWrite(outputKey: string): boolean
  /** The tombstones this run needs besides `written`: where it must write an empty part file. */
  tombstones(written: readonly OutputFile[]): Tombstone[]
}

/** A part file to write empty: the partition where this source no longer has rows. */
export type Tombstone = Omit<OutputFile, 'rows' | 'bytes'>

export async function compactionGuard(
  dest: Storage,
  destPrefix: string,
  sourceKey: string,
  etag: string,
  earlier: readonly Manifest[],
): Promise<CompactionGuard> {
  const grouped = await groupedOutputs(dest, destPrefix, sourceKey, earlier)
  const sameVersion = earlier.some((m) => m.etag === etag)
  return {
    shouldWrite: (key) => !(sameVersion && grouped.has(key)),
    tombstones(written) {
      const writing = new Set(written.map((o) => o.key))
      return [...grouped.values()].filter((old) => !writing.has(old.key)).map(({ key, dt, eventName }) => ({ key, dt, eventName }))
    },
  }
}

/**
 * The partitions where earlier runs' rows of the source sit in a multi-source file, as the part file
 * key this run would write there: a batch file an earlier manifest names, or a live compaction (or
 * batch) record holding the source. There a part file is the only way to replace or remove those
 * rows; shared files are never deleted for one source.
 */
async function groupedOutputs(dest: Storage, destPrefix: string, sourceKey: string, earlier: readonly Manifest[]): Promise<Map<string, OutputFile>> {
  const grouped = new Map<string, OutputFile>()
  const byPartition = new Map<string, OutputFile>()
  for (const output of earlier.flatMap((m) => m.outputs)) {
    const key = partFileKey(destPrefix, output, sourceKey)
    if (isSharedDataFile(output.key)) grouped.set(key, { ...output, key })
    else byPartition.set(key, { ...output, key })
  }
  const compactedDays = new Map<string, boolean>()
  for (const output of byPartition.values()) {
    if (grouped.has(output.key)) continue
    if (!(await anyCompaction(dest, compactionRecordDayPrefix(destPrefix, output.dt), compactedDays))) continue
    if (await coveredBy(dest, destPrefix, output, sourceKey)) grouped.set(output.key, output)
  }
  return grouped
}

/** One listing per day: most reruns touch days nobody compacted. */
async function anyCompaction(dest: Storage, dayPrefix: string, cache: Map<string, boolean>): Promise<boolean> {
  let found = cache.get(dayPrefix)
  if (found === undefined) {
    found = (await dest.list(dayPrefix, { limit: 1 })).objects.length > 0
    cache.set(dayPrefix, found)
  }
  return found
}

async function coveredBy(dest: Storage, destPrefix: string, partition: { dt: string; eventName: string | null }, sourceKey: string): Promise<boolean> {
  for (const { record } of await listRecords(dest, destPrefix, partition)) {
    if (record.state !== 'written' || !record.sources.includes(sourceKey)) continue
    const present = await Promise.all(record.outputs.map((o) => dest.head(o.key)))
    if (present.every(Boolean)) return true
  }
  return false
}
