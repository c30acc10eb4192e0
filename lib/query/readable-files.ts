import { COMPACT_PREFIX, PART_PREFIX, sourceId } from '../layout.js'
import type { CompactionRecord } from '../ledger/compaction-records.js'

/** One partition folder as a reader lists it: data file name -> etag, and the compaction records found there. */
export interface PartitionListing {
  files: Map<string, string>
  records: CompactionRecord[]
}

export interface ReadablePartition {
  /** Names of the files whose rows are all current. */
  files: string[]
  /** Compacted files holding some rows that a newer part file of the same source replaces: drop those sources' rows. */
  staleSources: Map<string, Set<string>>
}

/**
 * Which files of a partition a reader must read so that no row counts twice, from the compaction records:
 *  - a `writing` compaction's outputs are unfinished copies of rows its inputs still hold: skip them;
 *  - a `written` compaction whose outputs all exist replaces its inputs, which stay listed until deleted:
 *    skip every input still at the version it read (a part file rewritten since is newer: read it);
 *  - a source whose part file is readable is read from there only, not from a compacted file (the rule
 *    compaction itself applies, lib/compact/inputs.ts): a forced rerun or a new version of an archive.
 * Compacted files without a record (lost records) are read whole.
 */
export function readablePartition({ files, records }: PartitionListing): ReadablePartition {
  const skipped = new Set<string>()
  const live: CompactionRecord[] = []
  for (const record of records) {
    const outputs = record.outputs.map((o) => nameOf(o.key))
    if (record.state === 'writing') {
      for (const name of files.keys()) if (name.startsWith(`${COMPACT_PREFIX}${record.id}-`)) skipped.add(name)
    } else if (outputs.every((name) => files.has(name))) {
      live.push(record)
      for (const input of record.inputs) if (files.get(nameOf(input.key)) === input.etag) skipped.add(nameOf(input.key))
    }
  }
  const readable = [...files.keys()].filter((name) => !skipped.has(name)).sort()
  const partIds = new Set(readable.filter((n) => n.startsWith(PART_PREFIX)).map((n) => n.slice(PART_PREFIX.length, -'.parquet'.length)))
  const staleSources = new Map<string, Set<string>>()
  for (const record of live) {
    const stale = new Set(record.sources.filter((source) => partIds.has(sourceId(source))))
    if (stale.size === 0) continue
    for (const output of record.outputs) if (!skipped.has(nameOf(output.key))) staleSources.set(nameOf(output.key), stale)
  }
  return { files: readable, staleSources }
}

/** A partition needs its records read only when it holds compacted files beside other files. */
export function mayOverlap(names: Iterable<string>): boolean {
  let parts = 0
  const compactions = new Set<string>()
  for (const name of names) {
    if (name.startsWith(PART_PREFIX)) parts++
    else if (name.startsWith(COMPACT_PREFIX)) compactions.add(name.slice(COMPACT_PREFIX.length).replace(/-\d+\.parquet$/, ''))
  }
  return compactions.size > 1 || (compactions.size === 1 && parts > 0)
}

function nameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1)
}
