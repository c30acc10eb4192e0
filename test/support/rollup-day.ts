import { readdir, stat, utimes } from 'node:fs/promises'
import path from 'node:path'
import type { CompactOptions, CompactSummary } from '../../lib/compact/compact-table.js'
import { rollUpTable } from '../../lib/compact/rollup-table.js'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { silentLogger } from '../../lib/log.js'
import { readTableSnapshot } from '../../lib/query/table-snapshot.js'
import { openParquet } from '../../lib/read/parquet-read.js'
import { EVENT_ID_INDEX, EVENT_TIME_INDEX, SOURCE_OBJECT_INDEX } from '../../lib/schema/columns.js'
import { readAll } from '../../lib/storage/read.js'
import type { Storage } from '../../lib/storage/types.js'
import { queryTable } from './duck.js'

/** Builders shared by the roll-up tests: a day of small archives arriving hour by hour. */

export const DAY = '2021-02-03'
export const NAMES = ['ListConfig', 'ListUsers']

/**
 * `count` archives of 6 events each from archive number `from` on, archive `a` delivered in hour `a / 2`.
 * Event ids are unique, except that each odd archive re-delivers the first event of the archive before it
 * (ActionTrail sends some events twice); the last event of every third archive has no id.
 */
export async function putHourlyArchives(source: Storage, from: number, count: number): Promise<string[]> {
  const keys: string[] = []
  for (let a = from; a < from + count; a++) {
    const hour = Math.floor(a / 2)
    const events = Array.from({ length: 6 }, (_, i) => {
      const n = a * 6 + i
      const event: Record<string, unknown> = {
        ...seedSampleEvent(),
        eventName: NAMES[n % NAMES.length],
        eventTime: new Date(Date.UTC(2021, 1, 3, hour, a % 2, i)).toISOString(),
        eventId: `E${n}`,
      }
      if (i === 5 && a % 3 === 0) delete event.eventId
      return event
    })
    if (a % 2 === 1) events.push({ ...events[0], ...redelivered(a - 1) })
    keys.push(await putArchive(source, events, { deliveredAt: new Date(Date.UTC(2021, 1, 3, hour, 5 + (a % 2) * 5)) }))
  }
  return keys
}

function redelivered(archive: number): Record<string, unknown> {
  const n = archive * 6
  return {
    eventName: NAMES[n % NAMES.length],
    eventTime: new Date(Date.UTC(2021, 1, 3, Math.floor(archive / 2), archive % 2, 0)).toISOString(),
    eventId: `E${n}`,
  }
}

export function rollUp(dest: Storage, options: Partial<CompactOptions> = {}): Promise<CompactSummary> {
  return rollUpTable(dest, '', { selection: { date: DAY }, targetBytes: 128 << 20, ...options }, silentLogger)
}

/** Every row's event_id (rows without one: their source and time), sorted, the way `ccc-trail query` reads the table. */
export async function eventIds(root: string): Promise<string[]> {
  const rows = await queryTable(root, `SELECT coalesce(event_id, source_object || '|' || epoch_ms(event_time)) AS k FROM ccc_events ORDER BY k`)
  return rows.map((r) => r.k as string)
}

/** Moves every compaction record an hour further back, as if the roll-ups that wrote them ran an hour apart. */
export async function ageRecords(root: string): Promise<void> {
  const dir = path.join(root, '_ccc_trail', 'compactions')
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    const older = new Date((await stat(file)).mtimeMs - 3_600_000)
    await utimes(file, older, older)
  }
}

/**
 * Every row a reader sees (event_id, or source and time for rows without one), sorted: the table read by
 * the ledger's visibility rule, as `ccc-trail query` reads it, without DuckDB (fast enough for a crash matrix).
 */
export async function visibleEventIds(storage: Storage, prefix = ''): Promise<string[]> {
  const snapshot = await readTableSnapshot(storage, prefix)
  const ids: string[] = []
  for (const [folder, partition] of snapshot.partitions) {
    for (const name of partition.files) {
      const table = openParquet(await readAll(storage, prefix + folder + name))
      const stale = partition.staleSources.get(name)
      const restored = new Set((partition.restored.get(name) ?? []).map((r) => r.eventId))
      for (const row of await table.readRows(0, table.rows)) {
        const source = row[SOURCE_OBJECT_INDEX] as string
        if (stale?.has(source) && !restored.has(row[EVENT_ID_INDEX] as string)) continue
        ids.push((row[EVENT_ID_INDEX] as string | null) ?? `${source}|${row[EVENT_TIME_INDEX]}`)
      }
    }
  }
  return ids.sort()
}
