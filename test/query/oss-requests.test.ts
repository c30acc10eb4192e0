import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCatalog } from '../../lib/catalog/write-catalog.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { CATALOG_KEY, COMPACTION_DIR } from '../../lib/layout.js'
import { withDuckDb } from '../../lib/query/duckdb.js'
import { localTable } from '../../lib/query/local-table.js'
import { viewsForStatement } from '../../lib/query/statement-table.js'
import { processArchives } from '../../lib/run-archives.js'
import { listObjects } from '../../lib/storage/list.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import type { Location } from '../../lib/storage/open.js'
import { lakeStorage, ossLocation, startLakeServer } from '../support/oss-lake.js'
import type { OssServer, RecordedRequest } from '../support/oss-server.js'
import { testPipeline } from '../support/pipeline.js'
import { compactAll } from '../support/table-runs.js'
import { tempDir } from '../support/temp.js'

/**
 * What one day costs on OSS (issue 26): on a compacted 30-day lake, a query about one day makes the
 * day's objects' GETs plus a few listings, and moves the day's bytes, against every object of the table
 * for a full mirror. Counted at the OSS-protocol test server.
 */

const DAY = '2021-02-10'
let server: OssServer
let dest: Location
/** Data objects of the table: key -> size. */
const objects = new Map<string, number>()

interface Cost {
  requests: number
  gets: number
  lists: number
  bytes: number
  getBytes: number
}

async function cost(run: () => Promise<unknown>): Promise<Cost> {
  const start = server.requests.length
  await run()
  const made: RecordedRequest[] = server.requests.slice(start)
  return {
    requests: made.length,
    gets: made.filter((r) => r.op === 'GetObject').length,
    lists: made.filter((r) => r.op.startsWith('ListObjects')).length,
    bytes: made.reduce((sum, r) => sum + (r.bytesSent ?? 0), 0),
    getBytes: made.filter((r) => r.op === 'GetObject').reduce((sum, r) => sum + (r.bytesSent ?? 0), 0),
  }
}

describe('OSS requests and bytes of a one-day query on a 30-day lake', () => {
  beforeAll(async () => {
    server = await startLakeServer()
    // Built in memory, compacted, then put in the bucket as it stands: the data files, records and catalog.
    const pipeline = await testPipeline({ dest: new MemoryStorage() })
    const corpus = await generateCorpus(pipeline.source, {
      seed: 30,
      startDate: '2021-02-01',
      days: 30,
      archivesPerDay: 2,
      eventsPerArchive: 12,
      lateEvents: false,
    })
    await processArchives(pipeline, corpus.keys, { concurrency: 4 })
    await compactAll(pipeline)
    await writeCatalog(pipeline.dest, '')
    const oss = lakeStorage(server, { timeoutMs: 10_000 })
    for await (const info of listObjects(pipeline.dest, '')) {
      if (!info.key.startsWith('dt=') && !info.key.startsWith(COMPACTION_DIR) && info.key !== CATALOG_KEY) continue
      const body = Buffer.concat(await (await pipeline.dest.get(info.key)).toArray())
      await oss.put(info.key, body)
      if (info.key.startsWith('dt=')) objects.set(info.key, body.length)
    }
    dest = ossLocation(oss)
  }, 180_000)
  afterAll(() => server.close())

  it("fetches the day's objects and the catalog, lists a few times, and moves the day's bytes; a warm cache fetches nothing", async () => {
    const sql = `SELECT count(*) AS n FROM ccc_events WHERE dt = '${DAY}'`
    const day = [...objects].filter(([key]) => key.startsWith(`dt=${DAY}/`))
    const dayBytes = day.reduce((sum, [, size]) => sum + size, 0)
    const catalogBytes = (await dest.storage.head(CATALOG_KEY))!.size

    const wholeCache = await tempDir('ccc-requests-whole')
    const whole = await cost(() => localTable(dest, wholeCache))
    const cache = await tempDir('ccc-requests-cache')
    const one = await cost(() =>
      withDuckDb(async (db) => {
        await viewsForStatement(db, dest, sql, { cacheDir: cache })
        return db.rows(sql)
      }),
    )
    const warm = await cost(() =>
      withDuckDb(async (db) => {
        await viewsForStatement(db, dest, sql, { cacheDir: cache })
        return db.rows(sql)
      }),
    )
    console.info(
      `issue 26 measure: ${objects.size} data objects over 30 days, ${day.length} on ${DAY}: ` +
        `whole mirror ${whole.requests} requests / ${whole.bytes} bytes; one day cold ${one.requests} requests (${one.gets} GET, ${one.lists} LIST) / ${one.bytes} bytes; warm ${warm.requests} requests / ${warm.bytes} bytes`,
    )
    expect(whole.gets).toBeGreaterThanOrEqual(objects.size)
    expect(one.gets, "the day's objects and the catalog").toBe(day.length + 1)
    expect(one.requests, 'plus the days, the day and its records listed, the catalog looked up').toBeLessThanOrEqual(Math.ceil((day.length + 1 + 5) * 1.1))
    expect(one.getBytes, "exactly the day's objects and the catalog").toBe(dayBytes + catalogBytes)
    expect(one.bytes - one.getBytes, 'listings: a small part of the bytes').toBeLessThan(one.getBytes)
    expect(warm.gets, 'warm: nothing fetched').toBe(0)
    expect(one.requests * 10).toBeLessThan(whole.requests)
  }, 120_000)
})
