import { listFolders, listObjects } from '../storage/list.js'
import type { ObjectInfo, Storage } from '../storage/types.js'
import { mapLimit } from '../util/concurrency.js'

/**
 * One trail folder that holds date folders: `<prefix>AliyunLogs/Actiontrail/<region>/` (one account)
 * or `<prefix>AliyunLogs/Actiontrail/<rd_id>/<account_id>/<region>/` (resource directory trail).
 */
export interface TrailRoot {
  folder: string
  region: string
  rdId?: string
  accountId?: string
}

const YEAR = /^\d{4}$/
const MONTH = /^(0[1-9]|1[0-2])$/
/** Parallel list requests while walking folders. */
export const LIST_CONCURRENCY = 8

export function trailBase(sourcePrefix: string): string {
  return `${sourcePrefix}AliyunLogs/Actiontrail/`
}

/**
 * The trail roots under a source prefix, found by structure: a folder one level below
 * `Actiontrail/` (a region) or three levels below (`<rd_id>/<account_id>/<region>`) is a root when
 * it contains `YYYY/` folders that contain `MM/` folders (so a four-digit account id is not taken
 * for a year). Lists folders only, never the archives themselves.
 */
export async function findTrailRoots(storage: Storage, sourcePrefix: string): Promise<TrailRoot[]> {
  const roots = await walk(storage, trailBase(sourcePrefix), [])
  return roots.sort((a, b) => (a.folder < b.folder ? -1 : 1))
}

async function walk(storage: Storage, folder: string, path: string[]): Promise<TrailRoot[]> {
  const names = await folderNames(storage, folder)
  const yearLike = names.find((name) => YEAR.test(name))
  if (path.length > 0 && yearLike && (await folderNames(storage, `${folder}${yearLike}/`)).some((name) => MONTH.test(name))) {
    return path.length === 1 || path.length === 3 ? [rootOf(folder, path)] : []
  }
  if (path.length >= 3) return []
  const nested = await mapLimit(names, LIST_CONCURRENCY, (name) => walk(storage, `${folder}${name}/`, [...path, name]))
  return nested.flat()
}

async function folderNames(storage: Storage, folder: string): Promise<string[]> {
  return (await listFolders(storage, folder)).map((child) => child.slice(folder.length, -1))
}

function rootOf(folder: string, path: string[]): TrailRoot {
  return path.length === 1 ? { folder, region: path[0] } : { folder, rdId: path[0], accountId: path[1], region: path[2] }
}

/** `<root>YYYY/MM/DD/` for a day `YYYY-MM-DD`. */
export function dayFolder(root: TrailRoot, day: string): string {
  return `${root.folder}${day.replaceAll('-', '/')}/`
}

/** Every object in one root's folder for one day (one or a few list pages). */
export async function listDayFolder(storage: Storage, root: TrailRoot, day: string): Promise<ObjectInfo[]> {
  const found: ObjectInfo[] = []
  for await (const info of listObjects(storage, dayFolder(root, day))) found.push(info)
  return found
}
