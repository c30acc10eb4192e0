import { createWriteStream } from 'node:fs'
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { listObjects } from '../storage/list.js'
import type { Location } from '../storage/open.js'

/**
 * A folder DuckDB can read holding the table at `dest`: the folder itself for a local table;
 * for OSS, a mirror under `cacheDir` refreshed incrementally (new or changed files only).
 */
export async function localTable(dest: Location, cacheDir = path.join(os.tmpdir(), 'ccc-trail-cache')): Promise<string> {
  if (dest.spec.kind === 'fs') return path.join(dest.spec.root, dest.prefix)
  const root = path.join(cacheDir, dest.spec.bucket, dest.prefix)
  const wanted = new Set<string>()
  for await (const info of listObjects(dest.storage, dest.prefix)) {
    const relative = info.key.slice(dest.prefix.length)
    if (!relative.endsWith('.parquet') || !(relative.startsWith('dt=') || relative.startsWith('_catalog/'))) continue
    const file = path.join(root, relative)
    wanted.add(file)
    const local = await stat(file).catch(() => undefined)
    if (local?.size === info.size) continue
    await mkdir(path.dirname(file), { recursive: true })
    await pipeline(await dest.storage.get(info.key), createWriteStream(file))
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
