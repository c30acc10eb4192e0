import { gzipSync } from 'node:zlib'
import { encodeBody, putArchive } from '../../lib/demo/archive.js'
import type { Storage } from '../../lib/storage/types.js'
import { cccEvent, ecsEvent, type TestEvent } from '../reliability/harness.js'

export const NAMES = ['ListConfig', 'RefreshToken', 'ListUsers'] as const

/**
 * One delivery day of `count` small archives, ActionTrail's cadence in miniature: each holds CCC events
 * over NAMES and one other service's event; the first carries a late event of the day before.
 */
export async function putDay(
  source: Storage,
  count: number,
  tag = 'e',
  names: readonly string[] = NAMES,
): Promise<{ keys: string[]; ids: string[]; events: Map<string, TestEvent[]> }> {
  const keys: string[] = []
  const ids: string[] = []
  const events = new Map<string, TestEvent[]>()
  for (let i = 0; i < count; i++) {
    const minute = String(5 * i).padStart(2, '0')
    const own = names.map((name, n) => cccEvent(`${tag}${i}-${n}`, { eventName: name, eventTime: `2021-02-03T01:${minute}:0${n}Z` }))
    if (i === 0) own.push(cccEvent(`${tag}${i}-late`, { eventName: 'ListConfig', eventTime: '2021-02-02T23:59:00Z' }))
    const all = [...own, ecsEvent(`${tag}${i}-ecs`)]
    const key = await putArchive(source, all, { deliveredAt: new Date(`2021-02-03T01:${minute}:30Z`) })
    keys.push(key)
    ids.push(...own.map((e) => String(e.eventId)))
    events.set(key, own)
  }
  return { keys, ids, events }
}

/** Replaces the body of `key` (same key: a new version of the object, with a new ETag). */
export async function rewrite(source: Storage, key: string, events: TestEvent[]): Promise<void> {
  await source.put(key, gzipSync(encodeBody(events)))
}
