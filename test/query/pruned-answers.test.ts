import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { writeCatalog } from '../../lib/catalog/write-catalog.js'
import { compactTable } from '../../lib/compact/compact-table.js'
import { loadConfig } from '../../lib/config.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { silentLogger } from '../../lib/log.js'
import { COOKBOOK } from '../../lib/query/cookbook.js'
import { type Sql, withDuckDb } from '../../lib/query/duckdb.js'
import { viewsForStatement } from '../../lib/query/statement-table.js'
import { createViews } from '../../lib/query/views.js'
import { buildReport } from '../../lib/report/build-report.js'
import { writeReport } from '../../lib/report/write-report.js'
import { processArchives } from '../../lib/run-archives.js'
import { FsStorage } from '../../lib/storage/fs.js'
import type { Location } from '../../lib/storage/open.js'
import { OssStorage } from '../../lib/storage/oss.js'
import { type OssServer, startOssServer } from '../support/oss-server.js'
import { testPipeline } from '../support/pipeline.js'
import { stoppingAtFirstDelete } from '../support/stopping-storage.js'
import { tempDir } from '../support/temp.js'

/**
 * A query reads only the partitions its SQL can touch, and its answer is the one a read of the whole
 * table gives: for each statement, on a folder and on OSS (cold and warm cache), before, during and
 * after compaction.
 */

const STATEMENTS: [string, string][] = [
  ['equality', "SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM ccc_events WHERE dt = '2021-02-01'"],
  ['range across the month end', "SELECT dt, count(*) AS n FROM ccc_events WHERE dt BETWEEN '2021-01-31' AND DATE '2021-02-01' GROUP BY dt ORDER BY dt"],
  ['half-open range', "SELECT dt, event_name, count(*) AS n FROM ccc_events WHERE dt >= '2021-01-30' AND dt < '2021-02-01' GROUP BY ALL ORDER BY ALL"],
  ['IN', "SELECT dt, count(*) AS n FROM ccc_events WHERE dt IN ('2021-01-30', '2021-02-02') GROUP BY dt ORDER BY dt"],
  ['OR of two days', "SELECT dt, count(*) AS n FROM ccc_events WHERE dt = DATE '2021-01-31' OR dt = '2021-02-02' GROUP BY dt ORDER BY dt"],
  ['no predicate', 'SELECT dt, event_name, count(*) AS n, count(DISTINCT event_id) AS ids FROM ccc_events GROUP BY ALL ORDER BY ALL'],
  ['other columns only', 'SELECT user_name, count(*) AS n FROM ccc_events WHERE error_code IS NOT NULL GROUP BY 1 ORDER BY 1'],
  ['event name and day', "SELECT count(*) AS n FROM ccc_events WHERE event_name IN ('ListConfig', 'RefreshToken') AND dt = '2021-02-01'"],
  ['predicate in a subquery', "SELECT count(*) AS n FROM (SELECT * FROM ccc_events WHERE dt = '2021-01-31') t JOIN ccc_api_catalog c USING (event_name)"],
  [
    'predicate in a CTE',
    "WITH d AS (SELECT event_id FROM ccc_events WHERE dt IN ('2021-01-31', '2021-02-01') AND event_name = 'ListConfig') SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM d",
  ],
  ['a day without data', "SELECT count(*) AS n FROM ccc_events WHERE dt = '2020-01-01'"],
  ['the catalog only', 'SELECT count(*) AS n FROM ccc_api_catalog'],
]

/** The statements that cross compacted and uncompacted days, and one of each form. */
const AROUND_COMPACTION = STATEMENTS.filter(([name]) => ['range across the month end', 'OR of two days', 'no predicate', 'predicate in a CTE'].includes(name))

const credentials = { accessKeyId: 'LTAI5tPruneTestKey', accessKeySecret: 'prune-secret-2Vb8' }
let server: OssServer
let root = ''
let folder: Location
let oss: Location

function fsLocation(root: string): Location {
  return { storage: new FsStorage(root), prefix: '', spec: { kind: 'fs', root, prefix: '' } }
}

/** Every file of the folder table, put at the same keys in a fresh bucket. */
async function uploadedCopy(root: string, bucket: string): Promise<Location> {
  server.bucket(bucket)
  const storage = new OssStorage({ bucket, endpoint: server.endpoint, ...credentials, retryBaseMs: 5, timeoutMs: 10_000 })
  for (const file of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!file.isFile()) continue
    const full = path.join(file.parentPath, file.name)
    await storage.put(path.relative(root, full).split(path.sep).join('/'), await readFile(full))
  }
  return { storage, prefix: '', spec: { kind: 'oss', bucket, prefix: '' } }
}

async function pruned(dest: Location, sql: string, cacheDir?: string, db?: Sql): Promise<{ rows: Record<string, unknown>[]; files: number; days: string[] }> {
  const run = async (db: Sql) => {
    const table = await viewsForStatement(db, dest, sql, { cacheDir })
    try {
      return { rows: await table.sql.rows(sql), files: table.files.length, days: table.days }
    } finally {
      await table.release()
    }
  }
  return db ? run(db) : withDuckDb(run)
}

/** The answers of every statement over the whole table (a read of the whole folder), then the pruned reads that must match. */
async function expectSameAnswers(statements: [string, string][], state: string): Promise<void> {
  const cache = await tempDir('ccc-prune-cache')
  await withDuckDb(async (db) => {
    for (const [name, sql] of statements) {
      // The whole table's view reads every footer (union_by_name): the declared columns must answer the same.
      const whole = await (await createViews(db, root, 'unified')).rows(sql)
      expect((await pruned(folder, sql, undefined, db)).rows, `${state}, folder: ${name}`).toEqual(whole)
      expect((await pruned(oss, sql, cache, db)).rows, `${state}, OSS, cold cache: ${name}`).toEqual(whole)
      expect((await pruned(oss, sql, cache, db)).rows, `${state}, OSS, warm cache: ${name}`).toEqual(whole)
    }
  })
}

describe('answers of pruned reads', () => {
  beforeAll(async () => {
    server = await startOssServer(credentials)
    const pipeline = await testPipeline()
    const corpus = await generateCorpus(pipeline.source, {
      seed: 26,
      startDate: '2021-01-30',
      days: 4,
      archivesPerDay: 3,
      eventsPerArchive: 40,
      lateEvents: false,
    })
    await processArchives(pipeline, corpus.keys, { concurrency: 4 })
    await writeCatalog(pipeline.dest, '')
    // Two days compacted, two days still in part files.
    await compactTable(pipeline.dest, '', { selection: { before: '2021-02-01' }, targetBytes: 128 << 20 }, silentLogger)
    root = pipeline.destRoot
    folder = fsLocation(root)
    oss = await uploadedCopy(root, 'lake')
  }, 120_000)
  afterAll(() => server.close())

  it('a one-day query declares that day only; the whole table answers the same', async () => {
    const one = await pruned(folder, STATEMENTS[0]![1])
    const all = await pruned(folder, 'SELECT count(*) FROM ccc_events')
    expect(one.days).toEqual(['2021-02-01'])
    expect(all.days).toEqual(['2021-01-30', '2021-01-31', '2021-02-01', '2021-02-02'])
    expect(one.files).toBeLessThan(all.files / 2)
    expect((await pruned(folder, 'SELECT count(*) FROM ccc_api_catalog')).files).toBe(0)
  })

  it('every predicate and every cookbook recipe, with two days compacted and two not', async () => {
    await expectSameAnswers([...STATEMENTS, ...COOKBOOK.map((r): [string, string] => [r.id, r.sql])], 'before compaction')
  }, 120_000)

  it('every predicate while a compaction is stopped before deleting its inputs, and after it', async () => {
    for (const dest of [folder, oss]) {
      await expect(compactTable(stoppingAtFirstDelete(dest.storage), '', { selection: {}, targetBytes: 128 << 20 }, silentLogger)).rejects.toThrow(/stopped/)
    }
    // On OSS the compaction is not finished either: the uploaded copy mirrors the folder's state.
    await expectSameAnswers(AROUND_COMPACTION, 'during compaction')
    for (const dest of [folder, oss]) await compactTable(dest.storage, '', { selection: {}, targetBytes: 128 << 20 }, silentLogger)
    await expectSameAnswers(AROUND_COMPACTION, 'after compaction')
  }, 120_000)

  it('the report over its window is the one a read of the whole table gives, on a folder and on OSS', async () => {
    const now = new Date('2021-02-03T08:00:00Z')
    const options = { from: '2021-02-01', to: '2021-02-02', now }
    const whole = await withDuckDb(async (db) => {
      return buildReport(await createViews(db, root, 'unified'), { ...options, location: root })
    })
    const out = path.join(await tempDir('ccc-prune-report'), 'report.html')
    await writeReport(loadConfig({ DEST: root }), out, options)
    expect(await readFile(out, 'utf8')).toBe(whole.html)
    // The OSS client takes its keys from the environment, as the CLI does.
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', credentials.accessKeyId)
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', credentials.accessKeySecret)
    try {
      await writeReport(loadConfig({ DEST: 'oss://lake/', OSS_ENDPOINT: server.endpoint }), out, { ...options, cache: await tempDir('ccc-prune-cache') })
    } finally {
      vi.unstubAllEnvs()
    }
    expect((await readFile(out, 'utf8')).replace('oss://lake/', root)).toBe(whole.html)
  }, 60_000)
})
