import { beforeAll, describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { createRng } from '../../lib/demo/rng.js'
import { rebuildEvent } from '../../lib/normalize/rebuild.js'
import { withDuckDb } from '../../lib/query/duckdb.js'
import { createViews } from '../../lib/query/views.js'
import { processArchives } from '../../lib/run-archives.js'
import { canonicalJson } from '../../lib/schema/coerce.js'
import { oddCccEvent } from '../support/odd-events.js'
import { testPipeline } from '../support/pipeline.js'
import { compactAll } from '../support/table-runs.js'

type Event = Record<string, unknown>

const EVENTS = 600
const PER_ARCHIVE = 40

/**
 * The original event after the documented coercions, written independently of the library's rules:
 * eventVersion "1" -> 1, "true"/"false" -> boolean (isGlobal, mfaAuthenticated), a whole-number id ->
 * its digits (accountId, principalId, recipientAccountId), errorCode "" -> missing. Key order is ignored by toEqual.
 */
function coerced(original: Event): Event {
  const event = structuredClone(original)
  if (typeof event.eventVersion === 'string' && /^-?[1-9]\d*$|^0$/.test(event.eventVersion)) event.eventVersion = Number(event.eventVersion)
  if (event.isGlobal === 'true' || event.isGlobal === 'false') event.isGlobal = event.isGlobal === 'true'
  if (event.errorCode === '') delete event.errorCode
  if (Number.isSafeInteger(event.recipientAccountId)) event.recipientAccountId = String(event.recipientAccountId)
  const identity = event.userIdentity as Event | undefined
  if (identity && typeof identity === 'object' && !Array.isArray(identity)) {
    for (const id of ['accountId', 'principalId']) if (Number.isSafeInteger(identity[id])) identity[id] = String(identity[id])
    const attributes = (identity.sessionContext as Event | undefined)?.attributes as Event | undefined
    if (attributes && typeof attributes === 'object' && (attributes.mfaAuthenticated === 'true' || attributes.mfaAuthenticated === 'false')) {
      attributes.mfaAuthenticated = attributes.mfaAuthenticated === 'true'
    }
  }
  return event
}

const byEventId = (events: Event[]) => new Map(events.map((event) => [JSON.stringify(event.eventId), event]))

/** Every row of the table through DuckDB (as `query --raw` reads it), rebuilt. */
function rebuiltEvents(root: string): Promise<Event[]> {
  return withDuckDb(async (db) => {
    const rows = await (await createViews(db, root)).values('SELECT * FROM ccc_events')
    return rows.map((row) => rebuildEvent(row, { eventName: row.event_name as string | null }))
  })
}

describe('rebuildEvent: every field of every event survives the table', () => {
  const originals: Event[] = []
  let root = ''
  let pipeline: Awaited<ReturnType<typeof testPipeline>>

  beforeAll(async () => {
    pipeline = await testPipeline()
    root = pipeline.destRoot
    const rng = createRng(12)
    for (let n = 0; n < EVENTS; n++) originals.push(oddCccEvent(rng, n))
    const keys: string[] = []
    for (let i = 0; i < EVENTS; i += PER_ARCHIVE)
      keys.push(await putArchive(pipeline.source, originals.slice(i, i + PER_ARCHIVE), { deliveredAt: new Date(Date.UTC(2021, 1, 3, 4, i)) }))
    const summary = await processArchives(pipeline, keys, { concurrency: 2, perArchive: true })
    expect(summary.counts).toMatchObject({ events: EVENTS, rows: EVENTS, quarantined: 0, nonCcc: 0 })
  }, 120_000)

  const expectRoundTrip = async () => {
    const rebuilt = byEventId(await rebuiltEvents(root))
    expect(rebuilt.size).toBe(EVENTS)
    for (const original of originals) {
      const id = JSON.stringify(original.eventId)
      expect(rebuilt.get(id), `event ${id}: ${canonicalJson(original)?.slice(0, 300)}`).toEqual(coerced(original))
    }
  }

  it('from the files the pipeline writes', expectRoundTrip, 60_000)

  it('after compaction rewrites them', async () => {
    const summary = await compactAll(pipeline)
    expect(summary.compacted).toBeGreaterThan(0)
    expect(summary.duplicates).toBe(0)
    await expectRoundTrip()
  }, 60_000)
})

describe('rebuildEvent keeps every digit', () => {
  it('of integer literals beyond 2^53 in the JSON columns and in unmapped', () => {
    const row = {
      event_time: 1612325408000,
      source_object: 'k',
      request_parameters: '{"CallId":123456789012345678901,"PageSize":100}',
      unmapped: '{"extra":{"big":98765432109876543210}}',
    }
    const rebuilt = canonicalJson(rebuildEvent(row, { eventName: 'ListCalls' }))
    expect(rebuilt).toContain('"CallId":123456789012345678901')
    expect(rebuilt).toContain('"big":98765432109876543210')
    expect(rebuilt).toContain('"PageSize":100')
  })
})
