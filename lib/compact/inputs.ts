import { fileNameOf } from '../layout.js'
import type { CompactionRecord } from '../ledger/compaction-records.js'
import { partitionVisibility } from '../ledger/visibility.js'
import type { ParquetTable } from '../read/parquet-read.js'
import { SOURCE_OBJECT_INDEX, type Value } from '../schema/columns.js'
import { readAll } from '../storage/read.js'
import type { Storage } from '../storage/types.js'
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
  const { openParquet } = await import('../read/parquet-read.js')
  const table = openParquet(await readAll(dest, file.key))
  const sources =
    file.kind === 'compact' ? new Set((await table.readColumn('source_object')).filter((s): s is string => typeof s === 'string')) : new Set<string>()
  return { file, table, sources }
}

/**
 * Which rows of each compacted input are stale, by the ledger's one rule (lib/ledger/visibility.ts) over
 * the partition as recovery left it: its files and live records, and the sources each compacted file holds.
 * Returns, per input key, the sources whose rows that file must not contribute.
 */
export function supersededSources(inputs: readonly LoadedInput[], records: readonly CompactionRecord[]): Map<string, Set<string>> {
  const files = new Map(inputs.map((i) => [fileNameOf(i.file.key), { etag: i.file.etag, lastModified: i.file.lastModified?.getTime() }]))
  const sourcesOf = new Map(inputs.filter((i) => i.file.kind === 'compact').map((i) => [fileNameOf(i.file.key), [...i.sources]]))
  const { staleSources } = partitionVisibility({ files, records, sourcesOf })
  return new Map(inputs.map((input) => [input.file.key, staleSources.get(fileNameOf(input.file.key)) ?? new Set<string>()]))
}

/**
 * One run per row group, in input order; stale rows are dropped as a group loads and counted in `dropped`,
 * unless `restore` gives them back under another source (see stand-ins.ts).
 */
export function runsOf(
  inputs: readonly LoadedInput[],
  superseded: Map<string, Set<string>>,
  dropped: { rows: number },
  restore: (row: Value[]) => Value[] | undefined = () => undefined,
): Run[] {
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
          const kept: Value[][] = []
          for (const row of rows) {
            const back = stale.has(row[SOURCE_OBJECT_INDEX] as string) ? restore(row) : row
            if (back) kept.push(back)
            else dropped.rows++
          }
          return kept
        },
      })
    }
  }
  return runs
}
