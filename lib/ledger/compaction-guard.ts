import { compactionRecordDayPrefix, partitionPath } from '../layout.js'
import type { Storage } from '../storage/types.js'
import { FixedSchemaEncoder } from '../write/fixed-schema-encoder.js'
import { listRecords } from './compaction-records.js'
import type { Manifest, OutputFile } from './manifest.js'

/**
 * How the pipeline keeps compacted partitions exact when it converts an archive it converted before
 * (forced rerun, quarantine replay, new version of the object). Compaction merges `part-<id>` files
 * away, so rows of an earlier run may live in a compacted file (a live compaction record lists the source):
 *  - same version of the object: those rows are what this run would write, so the part file is not
 *    written again; a rerun adds no duplicate rows;
 *  - a partition an earlier run wrote and this run does not: an empty part file (a tombstone) is written;
 *    part files win over compacted rows, so the next compaction drops the old rows there;
 *  - a new version writing into such a partition: its part file is written and replaces the compacted
 *    rows of that source at the next compaction (until then both show).
 * A first run of an archive (no earlier manifest) costs nothing here.
 */
export interface CompactionGuard {
  /** False when this output's rows already sit in a compacted file of its partition. */
  shouldWrite(outputKey: string): boolean
  /** Writes the tombstones this run needs besides `written` and returns them as outputs for its manifest. */
  tombstones(written: readonly OutputFile[]): Promise<OutputFile[]>
}

export async function compactionGuard(
  dest: Storage,
  destPrefix: string,
  sourceKey: string,
  etag: string,
  earlier: readonly Manifest[],
): Promise<CompactionGuard> {
  const merged = await mergedOutputs(dest, destPrefix, sourceKey, earlier)
  const sameVersion = earlier.some((m) => m.etag === etag)
  return {
    shouldWrite: (key) => !(sameVersion && merged.has(key)),
    async tombstones(written) {
      const writing = new Set(written.map((o) => o.key))
      const stones: OutputFile[] = []
      for (const old of merged.values()) {
        if (writing.has(old.key)) continue
        const bytes = new FixedSchemaEncoder().finish()
        await dest.put(old.key, bytes)
        stones.push({ ...old, rows: 0, bytes: bytes.length })
      }
      return stones
    },
  }
}

/** Outputs of earlier runs whose part file is gone because a live compaction holds the source's rows. */
async function mergedOutputs(dest: Storage, destPrefix: string, sourceKey: string, earlier: readonly Manifest[]): Promise<Map<string, OutputFile>> {
  const merged = new Map<string, OutputFile>()
  const byPartition = new Map<string, OutputFile[]>()
  for (const output of earlier.flatMap((m) => m.outputs)) {
    const path = partitionPath(output.dt, output.eventName)
    const list = byPartition.get(path) ?? []
    if (!list.some((o) => o.key === output.key)) list.push(output)
    byPartition.set(path, list)
  }
  const compactedDays = new Map<string, boolean>()
  for (const outputs of byPartition.values()) {
    const { dt, eventName } = outputs[0]
    if (!(await anyCompaction(dest, compactionRecordDayPrefix(destPrefix, dt), compactedDays))) continue
    if (!(await coveredBy(dest, destPrefix, { dt, eventName }, sourceKey))) continue
    for (const output of outputs) if (!(await dest.head(output.key))) merged.set(output.key, output)
  }
  return merged
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
