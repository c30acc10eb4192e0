import { NotFoundError, RetryableError } from '../errors.js'
import { COMPACTION_DIR } from '../layout.js'
import type { CompactionRecord } from '../ledger/compaction-records.js'
import { listObjects } from '../storage/list.js'
import { readJson } from '../storage/read.js'
import type { Storage } from '../storage/types.js'
import { mayOverlap, readablePartition, type ReadablePartition } from './readable-files.js'

/** The table as one consistent reading: per partition folder (`dt=…/event_name=…/`), what to read. */
export interface TableSnapshot {
  partitions: Map<string, ReadablePartition>
  /** Size of every data file listed, readable or not, by key relative to the table. */
  sizes: Map<string, number>
  /** Compaction records (keys relative to the table) of the partitions that needed them. */
  records: string[]
}

const DATA_FILE = /^(dt=[^/]+\/event_name=[^/]+\/)([^/]+\.parquet)$/
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
      const partitions = new Map([...folders].map(([folder, files]) => [folder, readablePartition({ files, records: records.get(folder) ?? [] })]))
      return { partitions, sizes, records: read }
    }
  }
  throw new RetryableError(`${storage.description}: compaction kept changing the table while it was read (${ATTEMPTS} attempts); run the query again`)
}

/** Partition folder -> data file name -> etag. */
async function dataFiles(storage: Storage, prefix: string): Promise<{ folders: Map<string, Map<string, string>>; sizes: Map<string, number> }> {
  const folders = new Map<string, Map<string, string>>()
  const sizes = new Map<string, number>()
  // One page as large as the driver allows: OSS caps it at 1000, a folder then lists itself once instead of once a page.
  for await (const info of listObjects(storage, prefix + 'dt=', { limit: 1_000_000 })) {
    const match = DATA_FILE.exec(info.key.slice(prefix.length))
    if (!match) continue
    sizes.set(info.key.slice(prefix.length), info.size)
    const [, folder, name] = match as unknown as [string, string, string]
    if (!folders.has(folder)) folders.set(folder, new Map())
    folders.get(folder)!.set(name, info.etag)
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
