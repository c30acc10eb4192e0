import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { NotFoundError } from '../errors.js'
import { CATALOG_KEY, unescapePartitionValue } from '../layout.js'
import type { Location } from '../storage/open.js'
import { evictLeastRecentlyUsed, type MirrorObject, mirrorObjects } from './mirror.js'
import { dayInBounds, nameInBounds, type PartitionBounds } from './partition-bounds.js'
import { FileVanishedError, pinFiles } from './pinned-files.js'
import { daysInBounds } from './table-days.js'
import { readTableSnapshot, type TableSnapshot } from './table-snapshot.js'

/** The table as one query reads it: local files DuckDB opens, already reduced to the partitions in play. */
export interface LocalTable {
  /** Data files to read (local paths under a `dt=…/event_name=…/` folder, for DuckDB's hive partitioning). */
  files: string[]
  /** Rows of `source` in `file` are replaced by a newer part file: the view drops them. */
  stale: { file: string; source: string }[]
  /** Rows of a stale source in `file` with this event id are kept, shown under the source `as`. */
  restored: { file: string; eventId: string; as: string }[]
  /** The API catalog, when the table has one. */
  catalog?: string
  /** Days of the table within the bounds. */
  days: string[]
  /** What an OSS table cost this query: objects fetched and their bytes (0 for a folder, or a warm cache). */
  fetched: { objects: number; bytes: number }
  /** Drops what the query held (pinned files); call once DuckDB is done. */
  release(): Promise<void>
}

export interface LocalTableOptions {
  /** Only these partitions are listed, fetched and declared; default all. */
  bounds?: PartitionBounds
  /** Where an OSS table is mirrored; default `<system temp>/ccc-trail-cache`. */
  cacheDir?: string
  /** After mirroring, evict least recently used partitions until the table's cache takes at most this. */
  cacheMaxMb?: number
  /** A folder table: read through hard links of the planned files, so a compaction deleting them cannot fail the query. */
  pin?: boolean
}

export const DEFAULT_CACHE_DIR = path.join(os.tmpdir(), 'ccc-trail-cache')

/**
 * The files a query reads of the table at `dest`: for a folder, the folder's own files (hard-linked into a
 * folder of the query's own with `pin`, pinned-files.ts); for OSS, copies under `<cacheDir>/<bucket>/<prefix>`,
 * fetched when missing or at another version (ETag). Only the partitions within `bounds` are listed (one
 * listing per day when the bounds name days) and read. A compaction caught half-way is read as its records
 * say (table-snapshot.ts): its outputs or its inputs, never both; one that deletes a planned file before it is
 * fetched or pinned makes the reading start again.
 */
export async function localTable(dest: Location, options: LocalTableOptions | string = {}): Promise<LocalTable> {
  const settings = typeof options === 'string' ? { cacheDir: options } : options
  for (let attempt = 1; ; attempt++) {
    try {
      return await readOnce(dest, settings)
    } catch (error) {
      const vanished = error instanceof FileVanishedError || error instanceof NotFoundError
      if (!vanished || attempt >= ATTEMPTS) throw error
      // A compaction is deleting its inputs: give it a moment (its deletes take milliseconds), so that the
      // next plan does not meet the same half-way state; pinning itself is synchronous.
      await sleep(REPLAN_PAUSE_MS * attempt)
    }
  }
}

const ATTEMPTS = 5
const REPLAN_PAUSE_MS = 20

async function readOnce(dest: Location, { bounds = {}, cacheDir = DEFAULT_CACHE_DIR, cacheMaxMb, pin = false }: LocalTableOptions): Promise<LocalTable> {
  const days = bounds.days ? (bounds.days.length ? await daysInBounds(dest.storage, dest.prefix, bounds) : []) : undefined
  const snapshot = await readTableSnapshot(dest.storage, dest.prefix, days)
  const partitions = [...snapshot.partitions].filter(([folder]) => inBounds(folder, bounds))
  const keys = partitions.flatMap(([folder, p]) => p.files.map((name) => folder + name))
  const read = { days: [...new Set(partitions.map(([folder]) => dayOf(folder)))].sort() }
  const catalogInfo = await dest.storage.head(dest.prefix + CATALOG_KEY)
  if (dest.spec.kind === 'fs') {
    const root = path.join(dest.spec.root, dest.prefix)
    const pinned = pin && keys.length > 0 ? await pinFiles(root, keys) : undefined
    return {
      ...declared(partitions, (key) => pinned?.paths.get(key) ?? path.join(root, key)),
      ...(catalogInfo && { catalog: path.join(root, CATALOG_KEY) }),
      ...read,
      fetched: { objects: 0, bytes: 0 },
      release: pinned?.release ?? (async () => {}),
    }
  }
  const root = path.join(cacheDir, dest.spec.bucket, dest.prefix)
  const wanted: MirrorObject[] = keys.map((key) => ({ key, etag: snapshot.etags.get(key)!, size: snapshot.sizes.get(key)! }))
  if (catalogInfo) wanted.push({ key: CATALOG_KEY, etag: catalogInfo.etag, size: catalogInfo.size })
  // Listed folders (and the catalog's) are known: copies there that the table no longer lists go.
  const listed = (folder: string) =>
    folder === path.posix.dirname(CATALOG_KEY) + '/' || (folder.startsWith('dt=') && (!days || days.includes(dayOf(folder))) && inBounds(folder, bounds))
  const mirror = await mirrorObjects(dest.storage, dest.prefix, root, wanted, listed)
  if (cacheMaxMb !== undefined) await evictLeastRecentlyUsed(root, cacheMaxMb * 2 ** 20, new Set([...partitions.map(([folder]) => folder), '_catalog/']))
  return {
    ...declared(partitions, (key) => mirror.paths.get(key)!),
    ...(catalogInfo && { catalog: mirror.paths.get(CATALOG_KEY) }),
    ...read,
    fetched: { objects: mirror.fetched, bytes: mirror.bytes },
    release: async () => {},
  }
}

function declared(partitions: [string, TableSnapshot['partitions'] extends Map<string, infer P> ? P : never][], local: (key: string) => string) {
  return {
    files: partitions.flatMap(([folder, p]) => p.files.map((name) => local(folder + name))),
    stale: partitions.flatMap(([folder, p]) =>
      [...p.staleSources].flatMap(([name, sources]) => [...sources].map((source) => ({ file: local(folder + name), source }))),
    ),
    restored: partitions.flatMap(([folder, p]) => [...p.restored].flatMap(([name, rows]) => rows.map((row) => ({ file: local(folder + name), ...row })))),
  }
}

function inBounds(folder: string, bounds: PartitionBounds): boolean {
  const [dt, name] = folder.split('/')
  return dayInBounds(dt!.slice('dt='.length), bounds) && (name === undefined || nameInBounds(unescapePartitionValue(name.slice('event_name='.length)), bounds))
}

function dayOf(folder: string): string {
  return folder.slice('dt='.length, folder.indexOf('/'))
}
