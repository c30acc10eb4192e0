import type { QuarantinedEvent, QuarantineReason } from './errors.js'
import { QUARANTINE_DIR, quarantineKey } from './layout.js'
import type { Counts } from './ledger/manifest.js'
import { listObjects } from './storage/list.js'
import { readJson } from './storage/read.js'
import type { Storage } from './storage/types.js'

/**
 * A machine-readable account of what could not be placed in the table. `scope: archive` means
 * the whole archive (nothing from it is in the table); `scope: events` lists single events.
 * Replay: fix the cause, then `ccc-trail process --replay-quarantine` (or process the source key).
 */
export interface QuarantineRecord {
  version: 1
  source: string
  etag: string
  scope: 'archive' | 'events'
  reason: QuarantineReason
  message: string
  time: string
  counts: Counts
  events?: QuarantinedEvent[]
}

export async function writeQuarantine(dest: Storage, destPrefix: string, record: QuarantineRecord): Promise<string> {
  const key = quarantineKey(destPrefix, record.source, record.etag)
  await dest.put(key, JSON.stringify(record, null, 1))
  return key
}

export async function* listQuarantine(dest: Storage, destPrefix: string): AsyncGenerator<{ key: string; record: QuarantineRecord }> {
  for await (const info of listObjects(dest, destPrefix + QUARANTINE_DIR)) {
    if (info.key.endsWith('.json')) yield { key: info.key, record: await readJson<QuarantineRecord>(dest, info.key) }
  }
}
