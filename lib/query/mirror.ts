import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Storage } from '../storage/types.js'

/**
 * A local copy of some objects of a table, for DuckDB to read. Each copy's name carries the ETag of the
 * version it holds (`part-x.parquet` at ETag `ab12` is `part-x.ab12.parquet`), and is written under a
 * temporary name then renamed: a name always holds exactly that version, whatever other queries sharing
 * the cache do at the same time, and a new version of an object is a new name, never the old bytes
 * (same size or not). A copy's modification time is when a query last used it: the cache evicts whole
 * partition folders, least recently used first.
 */

export interface MirrorObject {
  /** Key relative to the table. */
  key: string
  etag: string
  size: number
}

export interface MirrorResult {
  /** Key relative to the table -> local file holding that version. */
  paths: Map<string, string>
  fetched: number
  bytes: number
}

/** The local name of a version of `key`: the ETag goes before the extension, reduced to characters safe in a file name. */
export function mirrorPath(root: string, { key, etag }: { key: string; etag: string }): string {
  const dot = key.lastIndexOf('.')
  const stem = dot > key.lastIndexOf('/') ? key.slice(0, dot) : key
  const extension = dot > key.lastIndexOf('/') ? key.slice(dot) : ''
  return path.join(root, `${stem}.${etag.replace(/[^A-Za-z0-9_-]/g, '_')}${extension}`)
}

/**
 * Makes `root` hold every object of `wanted` at its listed version, fetching the missing ones, and marks
 * them used now. In every folder `owns` says the listing covered, local files that are not a wanted
 * version are removed: the table no longer lists them, or lists a newer version.
 */
export async function mirrorObjects(
  storage: Storage,
  prefix: string,
  root: string,
  wanted: readonly MirrorObject[],
  owns: (folder: string) => boolean,
): Promise<MirrorResult> {
  const paths = new Map<string, string>()
  let fetched = 0
  let bytes = 0
  const now = new Date()
  for (const object of wanted) {
    const file = mirrorPath(root, object)
    paths.set(object.key, file)
    const local = await stat(file).catch(() => undefined)
    if (local?.size === object.size) {
      await utimes(file, now, now)
      continue
    }
    await mkdir(path.dirname(file), { recursive: true })
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`
    try {
      await pipeline(await storage.get(prefix + object.key), createWriteStream(temporary))
      await rename(temporary, file)
    } finally {
      await rm(temporary, { force: true })
    }
    fetched++
    bytes += object.size
  }
  const keep = new Set(paths.values())
  for (const folder of await folders(root)) {
    if (!owns(path.relative(root, folder).split(path.sep).join('/') + '/')) continue
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name)
      if (entry.isFile() && !keep.has(file) && !entry.name.endsWith('.tmp')) await rm(file, { force: true })
    }
  }
  return { paths, fetched, bytes }
}

/**
 * Removes whole partition folders, least recently used first, until the copies under `root` take at
 * most `maxBytes`; folders in `keep` (the query's own) stay whatever their size.
 */
export async function evictLeastRecentlyUsed(root: string, maxBytes: number, keep: ReadonlySet<string>): Promise<{ evicted: string[]; bytes: number }> {
  const usage: { folder: string; bytes: number; usedAt: number }[] = []
  let total = 0
  for (const folder of await folders(root)) {
    let bytes = 0
    let usedAt = 0
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (!entry.isFile()) continue
      const info = await stat(path.join(folder, entry.name)).catch(() => undefined)
      bytes += info?.size ?? 0
      usedAt = Math.max(usedAt, info?.mtimeMs ?? 0)
    }
    total += bytes
    usage.push({ folder, bytes, usedAt })
  }
  const evicted: string[] = []
  for (const { folder, bytes } of usage.sort((a, b) => a.usedAt - b.usedAt)) {
    if (total <= maxBytes) break
    const relative = path.relative(root, folder).split(path.sep).join('/') + '/'
    if (keep.has(relative)) continue
    await rm(folder, { recursive: true, force: true })
    evicted.push(relative)
    total -= bytes
  }
  return { evicted, bytes: total }
}

/** Every folder under `root` that directly holds files. */
async function folders(root: string): Promise<string[]> {
  const found: string[] = []
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
    if (entries.some((e) => e.isFile())) found.push(dir)
    for (const entry of entries) if (entry.isDirectory()) await visit(path.join(dir, entry.name))
  }
  await visit(root)
  return found
}
