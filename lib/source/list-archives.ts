import { listObjects } from '../storage/list.js'
import type { Storage } from '../storage/types.js'
import { classifyKey } from './archive-key.js'

export interface ListedKey {
  key: string
  kind: 'archive' | 'insight' | 'other'
}

/** Every object under `<prefix>AliyunLogs/`, classified. Walks the whole tree: for a date window use the backfill lister. */
export async function* listArchiveTree(storage: Storage, prefix: string): AsyncGenerator<ListedKey> {
  for await (const info of listObjects(storage, `${prefix}AliyunLogs/`)) {
    yield { key: info.key, kind: classifyKey(info.key).kind }
  }
}
