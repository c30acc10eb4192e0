import { readTableSnapshot } from '../../lib/query/table-snapshot.js'
import { openParquet } from '../../lib/read/parquet-read.js'
import { readAll } from '../../lib/storage/read.js'
import type { Storage } from '../../lib/storage/types.js'

/**
 * Every event_id a reader sees in the table at `prefix`, sorted, duplicates kept: the files and stale
 * sources `ccc-trail query` reads (table-snapshot.ts), read with the project's Parquet reader instead of
 * DuckDB, so it works on any storage (memory too) and costs milliseconds.
 */
export async function visibleIds(storage: Storage, prefix = ''): Promise<string[]> {
  const snapshot = await readTableSnapshot(storage, prefix)
  const ids: string[] = []
  for (const [folder, partition] of snapshot.partitions) {
    for (const name of partition.files) {
      const table = openParquet(await readAll(storage, prefix + folder + name))
      const [eventIds, sources] = await Promise.all([table.readColumn('event_id'), table.readColumn('source_object')])
      const stale = partition.staleSources.get(name)
      eventIds.forEach((id, row) => {
        if (!stale?.has(sources[row] as string)) ids.push(String(id))
      })
    }
  }
  return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}
