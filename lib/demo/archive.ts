import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { archiveKey } from '../source/archive-key.js'
import type { Storage } from '../storage/types.js'

/** The three body forms ActionTrail archives are seen in. */
export type BodyForm = 'array' | 'ndjson' | 'records'

export function encodeBody(events: unknown[], form: BodyForm = 'array'): Buffer {
  if (form === 'ndjson') return Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n')
  if (form === 'records') return Buffer.from(JSON.stringify({ Records: events }))
  return Buffer.from(JSON.stringify(events))
}

export interface ArchiveOptions {
  region?: string
  prefix?: string
  rdId?: string
  accountId?: string
  deliveredAt?: Date
  form?: BodyForm
  /** Overrides the event count written into the key (to build mismatching archives). */
  eventCount?: number
  /** Overrides the gzip bytes (to build broken archives). */
  body?: Buffer
}

/** Gzips `events` and stores them under the key ActionTrail would use. Returns the key. */
export async function putArchive(storage: Storage, events: unknown[], options: ArchiveOptions = {}): Promise<string> {
  const body = options.body ?? gzipSync(encodeBody(events, options.form))
  const key = archiveKey({
    prefix: options.prefix,
    rdId: options.rdId,
    accountId: options.accountId,
    region: options.region ?? 'cn-shanghai',
    deliveredAt: options.deliveredAt ?? new Date('2021-02-03T04:15:00Z'),
    eventCount: options.eventCount ?? events.length,
    fileSize: body.length,
    md5: createHash('md5').update(body).digest('hex'),
  })
  await storage.put(key, body)
  return key
}
