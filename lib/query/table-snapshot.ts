import { NotFoundError, RetryableError } from '../errors.js'
import { COMPACTION_DIR, parseDataFileKey } from '../layout.js'
import type { CompactionRecord } from '../ledger/compaction-records.js'
import { mayOverlap, partitionVisibility, type FileVersion } from '../ledger/visibility.js'
import { listObjects } from '../storage/list.js'
import { readAll, readJson } from '../storage/read.js'
import type { Storage } from '../storage/types.js'

/** What a reader reads of one partition folder (see lib/ledger/visibility.ts). */
export interface ReadablePartition {
  /** Names of the files to read. */
  files: string[]
  /** Multi-source files holding some rows whose source lives elsewhere: drop those sources' rows. */
  staleSources: Map<string, Set<string>>
}

/** The table as one consistent reading: per partition folder (`dt=…/event_name=…/`), what to read. */
export interface TableSnapshot {
  partitions: Map<string, ReadablePartition>
  /** Size of every data file listed, readable or not, by key relative to the table. */
  sizes: Map<string, number>
  /** Compaction records (keys relative to the table) of the partitions that needed them. */
  records: string[]
}

const ATTEMPTS = 5

/**
 * Lists the table's data files and, where compacted files sit beside others, the compaction records, so
 * that a compaction in progress is read as before it or as after it, never both. The record versions are
 * listed before and after: if a compaction changed state in between, the reading is taken again.
 */
export async function readTableSnapshot(storage: Storage, prefix: string): Promise<TableSnapshot> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const before = await recordVersions(storage, prefix)
    const { folders, sizes } = await dataFiles(storage, prefix)
    const records = new Map<string, CompactionRecord[]>()
    const read: string[] = []
    let gone = false
    for (const [key] of before) {
      const folder = key.slice(COMPACTION_DIR.length, key.lastIndexOf('/') + 1)
      const files = folders.get(folder)
      if (!files || !mayOverlap(files.keys())) continue
      const record = await readJson<CompactionRecord>(storage, prefix + key).catch((error: unknown) => {
        if (error instanceof NotFoundError) return undefined
        throw error
      })
      if (!record) gone = true
      else records.set(folder, [...(records.get(folder) ?? []), record])
      read.push(key)
    }
    if (!gone && sameVersions(before, await recordVersions(storage, prefix))) {
      const partitions = new Map<string, ReadablePartition>()
      for (const [folder, files] of folders) partitions.set(folder, await readablePartition(storage, prefix + folder, files, records.get(folder) ?? []))
      return { partitions, sizes, records: read }
    }
  }
  throw new RetryableError(`${storage.description}: compaction kept changing the table while it was read (${ATTEMPTS} attempts); run the query again`)
}

/**
 * The ledger's answer for one folder. Compacted files whose records are lost are read for their sources
 * (rare: `_ccc_trail/` deleted or lost), so a source reprocessed since is not counted twice.
 */
async function readablePartition(
  storage: Storage,
  folderPrefix: string,
  files: Map<string, FileVersion>,
  records: CompactionRecord[],
): Promise<ReadablePartition> {
  let visible = partitionVisibility({ files, records })
  if (visible.needsSources.length > 0 && mayOverlap(files.keys())) {
    const { openParquet } = await import('../read/parquet-read.js')
    const sourcesOf = new Map<string, string[]>()
    for (const name of visible.needsSources) {
      const column = await openParquet(await readAll(storage, folderPrefix + name)).readColumn('source_object')
      sourcesOf.set(name, [...new Set(column.filter((s): s is string => typeof s === 'string'))])
    }
    visible = partitionVisibility({ files, records, sourcesOf })
  }
  return { files: visible.read, staleSources: visible.staleSources }
}

/** Partition folder -> data file name -> version. */
async function dataFiles(storage: Storage, prefix: string): Promise<{ folders: Map<string, Map<string, FileVersion>>; sizes: Map<string, number> }> {
  const folders = new Map<string, Map<string, FileVersion>>()
  const sizes = new Map<string, number>()
  // One page as large as the driver allows: OSS caps it at 1000, a folder then lists itself once instead of once a page.
  for await (const info of listObjects(storage, prefix + 'dt=', { limit: 1_000_000 })) {
    const parsed = parseDataFileKey(info.key.slice(prefix.length))
    if (!parsed) continue
    sizes.set(info.key.slice(prefix.length), info.size)
    const { folder, name } = parsed
    if (!folders.has(folder)) folders.set(folder, new Map())
    folders.get(folder)!.set(name, { etag: info.etag, lastModified: info.lastModified?.getTime() })
  }
  return { folders, sizes }
}

/** Record key (relative to the table) -> etag. */
async function recordVersions(storage: Storage, prefix: string): Promise<Map<string, string>> {
  const versions = new Map<string, string>()
  for await (const info of listObjects(storage, prefix + COMPACTION_DIR, { limit: 1_000_000 })) {
    if (info.key.endsWith('.json')) versions.set(info.key.slice(prefix.length), info.etag)
  }
  return versions
}

function sameVersions(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([key, etag]) => b.get(key) === etag)
}
