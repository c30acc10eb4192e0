import { MANIFEST_DIR, parseRecordKey } from '../layout.js'
import { classifyKey } from '../source/archive-key.js'
import { listObjects } from '../storage/list.js'
import type { Storage } from '../storage/types.js'
import { mapLimit } from '../util/concurrency.js'
import { dayFolder, findTrailRoots, LIST_CONCURRENCY, listDayFolder, type TrailRoot } from './list-window.js'
import { type DayWindow, daysOf } from './window.js'

export interface PendingArchive {
  key: string
  size: number
}

/** What one delivery day holds across all trail roots, and what of it is still to do. */
export interface DayPlan {
  day: string
  /** Archives found in the day's folders. */
  listed: number
  /** Archives whose manifest for the same etag exists: done, not read again. */
  done: number
  pending: PendingArchive[]
  /** Objects in a day folder that are not ActionTrail archives. */
  others: string[]
}

export interface PlanOptions {
  sourcePrefix: string
  destPrefix: string
  window: DayWindow
  /** Start here instead of at `window.from` (a checkpoint's cursor). */
  startDay?: string
  /** Treat every archive as pending, done or not. */
  force?: boolean
  /** Known roots; found by walking the trail folders when absent. */
  roots?: TrailRoot[]
}

/**
 * The window, one delivery day at a time, in day order: lists each root's `YYYY/MM/DD/` folder and,
 * once per folder, the manifests written for it. An archive is done when a manifest with its
 * current etag exists; no archive or manifest is read.
 */
export async function* planWindow(source: Storage, dest: Storage, options: PlanOptions): AsyncGenerator<DayPlan> {
  const roots = options.roots ?? (await findTrailRoots(source, options.sourcePrefix))
  for (const day of daysOf(options.window)) {
    if (options.startDay && day < options.startDay) continue
    const folders = await mapLimit(roots, LIST_CONCURRENCY, (root) => planFolder(source, dest, root, day, options))
    yield {
      day,
      listed: folders.reduce((sum, f) => sum + f.listed, 0),
      done: folders.reduce((sum, f) => sum + f.done, 0),
      pending: folders.flatMap((f) => f.pending),
      others: folders.flatMap((f) => f.others),
    }
  }
}

async function planFolder(source: Storage, dest: Storage, root: TrailRoot, day: string, options: PlanOptions): Promise<Omit<DayPlan, 'day'>> {
  const objects = await listDayFolder(source, root, day)
  const archives = objects.filter((info) => classifyKey(info.key).kind === 'archive')
  const others = objects.filter((info) => !archives.includes(info)).map((info) => info.key)
  const done = archives.length > 0 && !options.force ? await doneVersions(dest, options.destPrefix, dayFolder(root, day)) : new Map<string, Set<string>>()
  const pending = archives.filter((info) => !done.get(info.key)?.has(info.etag)).map(({ key, size }) => ({ key, size }))
  return { listed: archives.length, done: archives.length - pending.length, pending, others }
}

/** Source key -> etags that have a manifest, for every archive of one source folder. */
export async function doneVersions(dest: Storage, destPrefix: string, sourceFolder: string): Promise<Map<string, Set<string>>> {
  const dir = `${destPrefix}${MANIFEST_DIR}`
  const done = new Map<string, Set<string>>()
  for await (const info of listObjects(dest, `${dir}${sourceFolder}`)) {
    const record = parseRecordKey(info.key, dir)
    if (!record) continue
    let etags = done.get(record.sourceKey)
    if (!etags) done.set(record.sourceKey, (etags = new Set()))
    etags.add(record.etag)
  }
  return done
}
