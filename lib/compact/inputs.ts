import { readAll } from '../storage/read.js'
import { SOURCE_OBJECT_INDEX } from '../schema/columns.js'
import type { Storage } from '../storage/types.js'
import type { ParquetTable } from './parquet-read.js'
import { COMPACT_PREFIX, PART_PREFIX, sourceId } from '../layout.js'
import type { Run } from './merge.js'
import type { DataFile } from './partitions.js'

const PARALLEL_READS = 8

export interface LoadedInput {
  file: DataFile
  table: ParquetTable
  /** For a compacted file: the sources its rows came from. */
  sources: Set<string>
}

/** Reads every input of a partition (in key order) and, for compacted files, which sources they hold. */
export async function loadInputs(dest: Storage, files: readonly DataFile[]): Promise<LoadedInput[]> {
  const sorted = [...files].sort((a, b) => (a.key < b.key ? -1 : 1))
  const loaded: LoadedInput[] = []
  for (let i = 0; i < sorted.length; i += PARALLEL_READS)
    loaded.push(...(await Promise.all(sorted.slice(i, i + PARALLEL_READS).map((file) => loadInput(dest, file)))))
  return loaded
}

async function loadInput(dest: Storage, file: DataFile): Promise<LoadedInput> {
  // hyparquet is loaded by the first compaction that reads a file, not by every command that might.
  const { openParquet } = await import('./parquet-read.js')
  const table = openParquet(await readAll(dest, file.key))
  const sources =
    file.kind === 'compact' ? new Set((await table.readColumn('source_object')).filter((s): s is string => typeof s === 'string')) : new Set<string>()
  return { file, table, sources }
}

/**
 * Which rows of each compacted input are stale. A source's rows come from exactly one place:
 *  - its part file, when the partition has one (written after the source's rows were compacted: a forced
 *    rerun, a new version of the object, or an empty "tombstone" when the new version has no rows here);
 *  - otherwise the newest compaction holding it (two hold the same source only after lost records).
 * Returns, per compacted input key, the sources whose rows that file must not contribute.
 */
export function supersededSources(inputs: readonly LoadedInput[]): Map<string, Set<string>> {
  const partIds = new Set(inputs.filter((i) => i.file.kind === 'part').map((i) => fileName(i.file.key).slice(PART_PREFIX.length, -'.parquet'.length)))
  const compacted = inputs.filter((i) => i.file.kind === 'compact')
  const groups = [...new Set(compacted.map(groupOf))].sort((a, b) => groupAge(compacted, b) - groupAge(compacted, a) || (a < b ? 1 : -1))
  const owner = new Map<string, string>()
  for (const group of groups) {
    for (const input of compacted.filter((i) => groupOf(i) === group)) {
      for (const source of input.sources) if (!owner.has(source) && !partIds.has(sourceId(source))) owner.set(source, group)
    }
  }
  return new Map(compacted.map((input) => [input.file.key, new Set([...input.sources].filter((s) => owner.get(s) !== groupOf(input)))]))
}

/** One run per row group, in input order; stale rows are dropped as a group loads and counted in `dropped`. */
export function runsOf(inputs: readonly LoadedInput[], superseded: Map<string, Set<string>>, dropped: { rows: number }): Run[] {
  const runs: Run[] = []
  for (const input of inputs) {
    const stale = superseded.get(input.file.key)
    for (const span of input.table.rowGroups) {
      runs.push({
        order: runs.length,
        minTime: span.minTime,
        load: async () => {
          const rows = await input.table.readRows(span.rowStart, span.rowEnd)
          if (!stale?.size) return rows
          const kept = rows.filter((row) => !stale.has(row[SOURCE_OBJECT_INDEX] as string))
          dropped.rows += rows.length - kept.length
          return kept
        },
      })
    }
  }
  return runs
}

/** Outputs of one compaction share the id in `compact-<id>-<nnn>.parquet`. */
function groupOf(input: LoadedInput): string {
  return fileName(input.file.key)
    .slice(COMPACT_PREFIX.length)
    .replace(/-\d+\.parquet$/, '')
}

function groupAge(inputs: readonly LoadedInput[], group: string): number {
  return Math.max(...inputs.filter((i) => groupOf(i) === group).map((i) => i.file.lastModified?.getTime() ?? 0))
}

function fileName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1)
}
