import { COMPACT_PREFIX, PART_PREFIX, type PartitionRef, partitionPrefix, unescapePartitionValue } from '../layout.js'
import { listFolders, listObjects } from '../storage/list.js'
import type { Storage } from '../storage/types.js'
import { isDay } from '../util/days.js'

/** Which dt partitions to look at: one day, or a half-open range [since, before). */
export interface DateSelection {
  date?: string
  since?: string
  before?: string
}

export interface DataFile {
  key: string
  etag: string
  bytes: number
  lastModified?: Date
  /** `part`: one archive's rows (the pipeline's); `compact`: merged by compaction. */
  kind: 'part' | 'compact'
}

export function selects(selection: DateSelection, dt: string): boolean {
  if (selection.date !== undefined) return dt === selection.date
  return (selection.since === undefined || dt >= selection.since) && (selection.before === undefined || dt < selection.before)
}

/** The (dt, event_name) partitions under the table whose dt the selection takes, in key order. */
export async function* listPartitions(dest: Storage, destPrefix: string, selection: DateSelection): AsyncGenerator<PartitionRef> {
  for (const day of await listFolders(dest, destPrefix)) {
    const dt = day.slice(destPrefix.length, -1).replace(/^dt=/, '')
    if (!day.slice(destPrefix.length).startsWith('dt=') || !isDay(dt) || !selects(selection, dt)) continue
    for (const folder of await listFolders(dest, day)) {
      const name = folder.slice(day.length, -1)
      if (name.startsWith('event_name=')) yield { dt, eventName: unescapePartitionValue(name.slice('event_name='.length)) }
    }
  }
}

/** The Parquet files of one partition that ccc-trail owns (part-* and compact-*); anything else is left alone. */
export async function listDataFiles(dest: Storage, destPrefix: string, partition: PartitionRef): Promise<DataFile[]> {
  const prefix = partitionPrefix(destPrefix, partition)
  const files: DataFile[] = []
  for await (const info of listObjects(dest, prefix, { delimiter: '/' })) {
    const name = info.key.slice(prefix.length)
    if (!name.endsWith('.parquet')) continue
    const kind = name.startsWith(PART_PREFIX) ? 'part' : name.startsWith(COMPACT_PREFIX) ? 'compact' : undefined
    if (kind) files.push({ key: info.key, etag: info.etag, bytes: info.size, lastModified: info.lastModified, kind })
  }
  return files
}
