import { NotFoundError, RetryableError } from '../errors.js'
import { COMPACTION_DIR, parseDataFileKey } from '../layout.js'
import type { CompactionRecord } from '../ledger/compaction-records.js'
import { type FileVersion, mayOverlap, partitionVisibility } from '../ledger/visibility.js'
import { listObjects } from '../storage/list.js'
import { readAll, readJson } from '../storage/read.js'
import type { Storage } from '../storage/types.js'
import { mapLimit } from '../util/concurrency.js'

/** What a reader reads of one partition folder (see lib/ledger/visibility.ts). */
export interface ReadablePartition {
  /** Names of the files to read. */
  files: string[]
  /** Multi-source files holding some rows whose source lives elsewhere: drop those sources' rows. */
  staleSources: Map<string, Set<string>>
  /** Rows of those stale sources kept after all, under another source (see PartitionVisibility.restored). */
  restored: Map<string, { eventId: string; as: string }[]>
}

/** The table as one consistent reading: per partition folder (`dt=…/event_name=…/`), what to read. */
export interface TableSnapshot {
  partitions: Map<string, ReadablePartition>
  /** Size and ETag of every data file listed, readable or not, by key relative to the table. */
  sizes: Map<string, number>
  etags: Map<string, string>
  /** Compaction records (keys relative to the table) of the partitions that needed them. */
  records: string[]
}

const ATTEMPTS = 5
const RECORD_READS_IN_FLIGHT = 16

/**
 * Lists the table's data files (only the given days' folders, when `days` is given: one listing per day)
 * and, where compacted files sit beside others, the compaction records, so that a compaction in progress
 * is read as before it or as after it, never both. Each partition's record versions are listed before and
 * after its files: a partition whose compaction changed state in between is read again, alone; compaction
 * goes one partition at a time, so the rest of the reading stands.
 */
export async function readTableSnapshot(storage: Storage, prefix: string, days?: readonly string[]): Promise<TableSnapshot> {
  const snapshot: TableSnapshot = { partitions: new Map(), sizes: new Map(), etags: new Map(), records: [] }
  for (const scope of days ? days.map((day) => `dt=${day}/`) : ['']) {
    let changed = await readScope(storage, prefix, scope, snapshot)
    for (let attempt = 2; changed.length > 0; attempt++) {
      if (attempt > ATTEMPTS)
        throw new RetryableError(
          `${storage.description}: compaction kept changing ${changed.join(', ')} while it was read (${ATTEMPTS} attempts); run the query again`,
        )
      const again: string[] = []
      for (const folder of changed) again.push(...(await readScope(storage, prefix, folder, snapshot)))
      changed = again
    }
  }
  return snapshot
}

/**
 * Reads the partitions under `scope` (the whole table, a day or one partition folder) into `snapshot`, and
 * returns the folders whose records changed while they were read (to read again).
 */
async function readScope(storage: Storage, prefix: string, scope: string, snapshot: TableSnapshot): Promise<string[]> {
  // Records matter only where files may overlap (mayOverlap); a listing where none do is a consistent reading
  // as it is (a compaction caught half-way shows its outputs beside its inputs), so the records are not even
  // listed: two listings of `_ccc_trail/compactions/` fewer, as many records as data files on a lake as left.
  const first = await dataFiles(storage, prefix, scope, snapshot)
  if (![...first.values()].some((files) => mayOverlap(files.keys()))) {
    for (const [folder, files] of first) snapshot.partitions.set(folder, await readablePartition(storage, prefix + folder, files, []))
    return []
  }
  const before = await recordVersions(storage, prefix, scope)
  const folders = await dataFiles(storage, prefix, scope, snapshot)
  const records = new Map<string, CompactionRecord[]>()
  const changed = new Set<string>()
  const wanted = [...before.keys()].filter((key) => {
    const files = folders.get(folderOfRecord(key))
    return files !== undefined && mayOverlap(files.keys())
  })
  // Read side by side: a lake as a bulk run leaves it has a record per batch per partition (hundreds over a
  // few days), and one after another they were most of a query's start-up on a folder, seconds on OSS.
  const read = await mapLimit(wanted, RECORD_READS_IN_FLIGHT, (key) =>
    readJson<CompactionRecord>(storage, prefix + key).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined
      throw error
    }),
  )
  const listed = new Set(snapshot.records)
  wanted.forEach((key, index) => {
    const folder = folderOfRecord(key)
    const record = read[index]
    if (!record) changed.add(folder)
    else records.set(folder, [...(records.get(folder) ?? []), record])
    if (!listed.has(key)) snapshot.records.push(key)
  })
  const after = await recordVersions(storage, prefix, scope)
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(key) !== after.get(key)) changed.add(folderOfRecord(key))
  }
  for (const [folder, files] of folders) {
    if (changed.has(folder)) snapshot.partitions.delete(folder)
    else snapshot.partitions.set(folder, await readablePartition(storage, prefix + folder, files, records.get(folder) ?? []))
  }
  // A folder emptied since (its last files deleted) has nothing to read.
  return [...changed].filter((folder) => folders.has(folder) || snapshot.partitions.has(folder))
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
  return { files: visible.read, staleSources: visible.staleSources, restored: visible.restored }
}

/** Partition folder -> data file name -> version, of the data files under `scope`; their sizes and ETags go into `snapshot`. */
async function dataFiles(storage: Storage, prefix: string, scope: string, snapshot: TableSnapshot): Promise<Map<string, Map<string, FileVersion>>> {
  const folders = new Map<string, Map<string, FileVersion>>()
  // One page as large as the driver allows: OSS caps it at 1000, a folder then lists itself once instead of once a page.
  for await (const info of listObjects(storage, prefix + (scope || 'dt='), { limit: 1_000_000 })) {
    const key = info.key.slice(prefix.length)
    const parsed = parseDataFileKey(key)
    if (!parsed) continue
    snapshot.sizes.set(key, info.size)
    snapshot.etags.set(key, info.etag)
    const { folder, name } = parsed
    if (!folders.has(folder)) folders.set(folder, new Map())
    folders.get(folder)!.set(name, { etag: info.etag, lastModified: info.lastModified?.getTime() })
  }
  return folders
}

/** The partition folder (`dt=…/event_name=…/`) a record key (relative to the table) describes. */
function folderOfRecord(key: string): string {
  return key.slice(COMPACTION_DIR.length, key.lastIndexOf('/') + 1)
}

/** Record key (relative to the table) -> etag, of the records under `scope`. */
async function recordVersions(storage: Storage, prefix: string, scope: string): Promise<Map<string, string>> {
  const versions = new Map<string, string>()
  for await (const info of listObjects(storage, prefix + COMPACTION_DIR + scope, { limit: 1_000_000 })) {
    if (info.key.endsWith('.json')) versions.set(info.key.slice(prefix.length), info.etag)
  }
  return versions
}
