import { randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, rmSync } from 'node:fs'
import { readdir, rm, rmdir, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { META_DIR } from '../layout.js'

/** A file the plan named was deleted before it could be pinned (a compaction removing its inputs): plan again. */
export class FileVanishedError extends Error {
  override name = 'FileVanishedError'
}

export interface PinnedFiles {
  /** Key relative to the table -> the path to read it through. */
  paths: Map<string, string>
  release(): Promise<void>
}

const STALE_MS = 6 * 3_600_000

/**
 * Hard links to the files of a folder table that one query reads, in a folder of its own, under the same
 * `dt=…/event_name=…/` names: compaction may delete or replace the table's files while DuckDB reads, the
 * query still reads the files of the snapshot it planned. The folder is in the system temp folder when it
 * is on the table's file system, else in `<table>/_ccc_trail/reading/`. Undefined when no link can be
 * made there (a read-only table on another file system): the query reads the files in place.
 */
export async function pinFiles(root: string, keys: readonly string[]): Promise<PinnedFiles | undefined> {
  const id = `${process.pid}-${randomBytes(4).toString('hex')}`
  const onTableDevice = (await stat(root)).dev === (await stat(os.tmpdir())).dev
  const parent = onTableDevice ? path.join(os.tmpdir(), 'ccc-trail-reading') : path.join(root, META_DIR, 'reading')
  await removeStale(parent).catch(() => undefined)
  const folder = path.join(parent, id)
  const paths = new Map<string, string>()
  const release = async () => {
    rmSync(folder, { recursive: true, force: true })
    await rmdir(parent).catch(() => undefined)
  }
  try {
    // Synchronous, one folder made per partition: hundreds of links, each a round trip through the thread
    // pool when asynchronous, were a tenth of a query's time on a 10-day lake.
    const made = new Set<string>()
    for (const key of keys) {
      const pinned = path.join(folder, key)
      const parentOfPinned = path.dirname(pinned)
      if (!made.has(parentOfPinned)) mkdirSync(parentOfPinned, { recursive: true })
      made.add(parentOfPinned)
      linkSync(path.join(root, key), pinned)
      paths.set(key, pinned)
    }
  } catch (error) {
    await release()
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new FileVanishedError(`${path.join(root)}: a file of the table was deleted while it was read`, { cause: error })
    if (code === 'EXDEV' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'EMLINK') return undefined
    throw error
  }
  return { paths, release }
}

/** Folders of queries that died without releasing theirs. */
async function removeStale(parent: string): Promise<void> {
  for (const entry of await readdir(parent, { withFileTypes: true })) {
    const folder = path.join(parent, entry.name)
    if (entry.isDirectory() && Date.now() - (await stat(folder)).mtimeMs > STALE_MS) await rm(folder, { recursive: true, force: true })
  }
}
