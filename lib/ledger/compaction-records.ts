import { compactionRecordKey, compactionRecordPrefix, type PartitionRef } from '../layout.js'
import { listObjects } from '../storage/list.js'
import { readJson } from '../storage/read.js'
import type { Storage } from '../storage/types.js'

export interface CompactionInput {
  key: string
  etag: string
  bytes: number
}

export interface CompactionOutput {
  key: string
  rows: number
  bytes: number
}

/**
 * What one compaction of one partition did. Written as `writing` before the first output, rewritten as
 * `written` once every output exists; only then are the inputs deleted. A `written` record whose outputs
 * all exist is live: it describes the partition's compacted files until a later compaction consumes them.
 */
export interface CompactionRecord {
  version: 1
  id: string
  dt: string
  eventName: string | null
  state: 'writing' | 'written'
  startedAt: string
  finishedAt?: string
  inputs: CompactionInput[]
  outputs: CompactionOutput[]
  /** Source objects whose rows the outputs hold (a source whose every row was a duplicate counts too). */
  sources: string[]
  /**
   * Event ids whose kept row stands in for copies dropped from other sources: id -> those sources. When the
   * kept row's source is superseded, a later compaction keeps the row under one of them (compact/stand-ins.ts).
   */
  standIns?: Record<string, string[]>
  rows: { in: number; out: number; duplicates: number; superseded: number }
}

export async function listRecords(dest: Storage, destPrefix: string, partition: PartitionRef): Promise<{ key: string; record: CompactionRecord }[]> {
  const found: { key: string; record: CompactionRecord }[] = []
  for await (const info of listObjects(dest, compactionRecordPrefix(destPrefix, partition), { delimiter: '/' })) {
    if (info.key.endsWith('.json')) found.push({ key: info.key, record: await readJson<CompactionRecord>(dest, info.key) })
  }
  return found
}

export async function writeRecord(dest: Storage, destPrefix: string, record: CompactionRecord): Promise<string> {
  const key = compactionRecordKey(destPrefix, record, record.id)
  await dest.put(key, JSON.stringify(record, null, 1))
  return key
}
