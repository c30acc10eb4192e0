import { NotFoundError } from '../errors.js'
import { alertCountKey, alertCountPrefix, alertSeenKey, sourceId } from '../layout.js'
import { listObjects } from '../storage/list.js'
import { readJson } from '../storage/read.js'
import type { Storage } from '../storage/types.js'
import { forEachLimit } from '../util/concurrency.js'
import { type Evaluation, type HourCounts, sightingKey } from './evaluate.js'
import type { SightingKind } from './rules.js'

/**
 * The state alert rules need between trigger invocations, in the destination under
 * `_ccc_trail/alerts/`, one small object per value so concurrent invocations rarely touch the same
 * object. Races lose nothing that matters: a sighting overwritten by an older one makes a value look
 * new again (a repeated alert, never a missed one), and every archive writes its own hourly count
 * before it reads the others', so the last of two concurrent archives sees both.
 */
interface SeenRecord {
  kind: SightingKind
  value: string
  /** Newest event time (epoch ms) this value was seen at, as of the last write. */
  last: number
}

interface CountRecord {
  source: string
  counts: Record<string, number>
}

const PARALLEL = 8
const DAY_MS = 86_400_000

async function readOptional<T>(storage: Storage, key: string): Promise<T | undefined> {
  try {
    return await readJson<T>(storage, key)
  } catch (error) {
    if (error instanceof NotFoundError) return undefined
    throw error
  }
}

/** When each of `values` was last seen, as far as the state knows. */
export async function readSightings(
  storage: Storage,
  destPrefix: string,
  values: Iterable<{ kind: SightingKind; value: string }>,
): Promise<Map<string, number>> {
  const seen = new Map<string, number>()
  await forEachLimit(values, PARALLEL, async ({ kind, value }) => {
    const record = await readOptional<SeenRecord>(storage, alertSeenKey(destPrefix, kind, value))
    if (record && typeof record.last === 'number') seen.set(sightingKey(kind, value), record.last)
  })
  return seen
}

/**
 * Writes the sightings of an evaluation the state does not know yet: a value never seen, or seen
 * on an earlier UTC day (so a busy caller costs one write a day, not one an archive).
 */
export async function recordSightings(
  storage: Storage,
  destPrefix: string,
  sightings: Evaluation['sightings'],
  known: ReadonlyMap<string, number>,
): Promise<number> {
  const stale = [...sightings.entries()].filter(([key, s]) => {
    const last = known.get(key)
    return last === undefined || Math.floor(last / DAY_MS) < Math.floor(s.time / DAY_MS)
  })
  await forEachLimit(stale, PARALLEL, async ([key, s]) => {
    const record: SeenRecord = { kind: s.kind, value: s.value, last: Math.max(s.time, known.get(key) ?? -Infinity) }
    await storage.put(alertSeenKey(destPrefix, s.kind, s.value), JSON.stringify(record))
  })
  return stale.length
}

/** Writes one archive's hourly counts (the same archive always writes the same keys). */
export async function recordHourCounts(storage: Storage, destPrefix: string, sourceKey: string, counts: HourCounts): Promise<void> {
  const writes = [...counts].flatMap(([rule, hours]) => [...hours].map(([hour, keys]) => ({ rule, hour, keys })))
  await forEachLimit(writes, PARALLEL, async ({ rule, hour, keys }) => {
    const record: CountRecord = { source: sourceKey, counts: Object.fromEntries(keys) }
    await storage.put(alertCountKey(destPrefix, rule, hour, sourceKey), JSON.stringify(record))
  })
}

/** What archives other than `sourceKeys` contributed to the rules and hours of `counts`. */
export async function priorHourCounts(storage: Storage, destPrefix: string, sourceKeys: readonly string[], counts: HourCounts): Promise<HourCounts> {
  const own = new Set(sourceKeys.map((key) => `${sourceId(key)}.json`))
  const prior: HourCounts = new Map()
  for (const [rule, hours] of counts) {
    const perHour = new Map<number, Map<string, number>>()
    prior.set(rule, perHour)
    for (const hour of hours.keys()) {
      const keys = new Map<string, number>()
      perHour.set(hour, keys)
      const others: string[] = []
      for await (const info of listObjects(storage, alertCountPrefix(destPrefix, rule, hour)))
        if (!own.has(info.key.slice(info.key.lastIndexOf('/') + 1))) others.push(info.key)
      await forEachLimit(others, PARALLEL, async (key) => {
        const record = await readOptional<CountRecord>(storage, key)
        for (const [k, n] of Object.entries(record?.counts ?? {})) keys.set(k, (keys.get(k) ?? 0) + n)
      })
    }
  }
  return prior
}
