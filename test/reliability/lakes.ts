import { localTable } from '../../lib/query/local-table.js'
import { FsStorage } from '../../lib/storage/fs.js'
import type { Storage } from '../../lib/storage/types.js'
import { queryTable } from '../support/duck.js'
import { lakeStorage, ossLocation } from '../support/oss-lake.js'
import type { OssServer } from '../support/oss-server.js'
import { tempDir } from '../support/temp.js'
import { tableIds } from './harness.js'

/** A table destination (a folder, or an OSS bucket through ali-oss) and the event ids `ccc-trail query` reads from it. */
export interface Lake {
  driver: 'folder' | 'oss'
  dest: Storage
  /** Every event_id a reader sees, sorted, duplicates kept; on OSS through a fresh mirror each time. */
  ids(): Promise<string[]>
  /** The rows a reader sees, as `query` returns them (on OSS through a fresh mirror each time). */
  rows(statement: string): Promise<Record<string, unknown>[]>
}

export async function folderLake(): Promise<Lake> {
  const root = await tempDir('ccc-lake')
  return { driver: 'folder', dest: new FsStorage(root), ids: () => tableIds(root), rows: (statement) => queryTable(root, statement) }
}

let buckets = 0

/** A fresh bucket on `server` (started with LAKE_CREDENTIALS, support/oss-lake.ts). */
export function ossLake(server: OssServer): Lake {
  const bucket = `lake-${++buckets}`
  server.bucket(bucket)
  const dest = lakeStorage(server, { bucket })
  const mirrored = async () => localTable(ossLocation(dest, '', bucket), await tempDir('ccc-mirror'))
  return {
    driver: 'oss',
    dest,
    ids: async () => tableIds(await mirrored()),
    rows: async (statement) => queryTable(await mirrored(), statement),
  }
}
