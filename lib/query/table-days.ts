import { isDay } from '../util/days.js'
import { listFolders, listObjects } from '../storage/list.js'
import type { ObjectInfo, Storage } from '../storage/types.js'
import { dayInBounds, type PartitionBounds } from './partition-bounds.js'

/** The days (`dt=` folders) of the table, sorted: one listing of folder names, whatever the number of files. */
export async function tableDays(storage: Storage, prefix: string): Promise<string[]> {
  const days: string[] = []
  for (const folder of await listFolders(storage, prefix + 'dt=')) {
    const day = folder.slice(prefix.length + 'dt='.length, -1)
    if (isDay(day)) days.push(day)
  }
  return days.sort()
}

/** The days of the table within `bounds`: every day when the bounds have none. */
export async function daysInBounds(storage: Storage, prefix: string, bounds: PartitionBounds): Promise<string[]> {
  return (await tableDays(storage, prefix)).filter((day) => dayInBounds(day, bounds))
}

/** Every object under the given days' folders (keys relative to the table), one listing per day. */
export async function objectsOfDays(storage: Storage, prefix: string, days: readonly string[]): Promise<Map<string, ObjectInfo>> {
  const objects = new Map<string, ObjectInfo>()
  for (const day of days) {
    for await (const info of listObjects(storage, `${prefix}dt=${day}/`, { limit: 1_000_000 })) objects.set(info.key.slice(prefix.length), info)
  }
  return objects
}
