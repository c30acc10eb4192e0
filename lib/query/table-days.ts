import { listFolders } from '../storage/list.js'
import type { Storage } from '../storage/types.js'
import { isDay } from '../util/days.js'
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
