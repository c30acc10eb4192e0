import { createWriteStream } from 'node:fs'
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { CATALOG_KEY } from '../layout.js'
import type { Location } from '../storage/open.js'
import { readTableSnapshot } from './table-snapshot.js'

/**
 * A folder DuckDB can read holding the table at `dest`: the folder itself for a local table;
 * for OSS, a mirror under `cacheDir` refreshed incrementally (new or changed files only). The mirror
 * holds the files a reader must read (not the inputs of a compaction caught half-way) and the
 * compaction records views.ts needs to drop rows that a newer part file replaces.
 */
export async function localTable(dest: Location, cacheDir = path.join(os.tmpdir(), 'ccc-trail-cache')): Promise<string> {
  if (dest.spec.kind === 'fs') return path.join(dest.spec.root, dest.prefix)
  const root = path.join(cacheDir, dest.spec.bucket, dest.prefix)
  const snapshot = await readTableSnapshot(dest.storage, dest.prefix)
  const keys = [...snapshot.partitions].flatMap(([folder, p]) => p.files.map((name) => folder + name))
  const catalog = await dest.storage.head(dest.prefix + CATALOG_KEY)
  const copies: { key: string; size?: number }[] = [
    ...keys.map((key) => ({ key, size: snapshot.sizes.get(key) })),
    ...snapshot.records.map((key) => ({ key })), // small, and rewritten in place: always fetched
    ...(catalog ? [{ key: CATALOG_KEY, size: catalog.size }] : []),
  ]
  const wanted = new Set<string>()
  for (const { key, size } of copies) {
    const file = path.join(root, key)
    wanted.add(file)
    const local = await stat(file).catch(() => undefined)
    if (size !== undefined && local?.size === size) continue
    await mkdir(path.dirname(file), { recursive: true })
    await pipeline(await dest.storage.get(dest.prefix + key), createWriteStream(file))
  }
  await pruneExcept(root, wanted)
  return root
}

async function pruneExcept(dir: string, keep: Set<string>): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) await pruneExcept(file, keep)
    else if (!keep.has(file)) await rm(file, { force: true })
  }
}
