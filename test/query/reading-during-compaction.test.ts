import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { withDuckDb } from '../../lib/query/duckdb.js'
import { localTable } from '../../lib/query/local-table.js'
import { viewsForStatement } from '../../lib/query/statement-table.js'
import { createViews } from '../../lib/query/views.js'
import { processArchives } from '../../lib/run-archives.js'
import { FsStorage } from '../../lib/storage/fs.js'
import type { Location } from '../../lib/storage/open.js'
import type { Storage } from '../../lib/storage/types.js'
import { lakeStorage, ossLocation, startLakeServer } from '../support/oss-lake.js'
import type { OssServer } from '../support/oss-server.js'
import { testPipeline } from '../support/pipeline.js'
import { stoppingBefore } from '../support/stopping-storage.js'
import { compactAll } from '../support/table-runs.js'
import { tempDir } from '../support/temp.js'

/**
 * Queries while compaction deletes the files they planned to read (issue 22, item 5): a folder query reads
 * through hard links of its snapshot; an OSS query whose planned object is deleted before it is fetched
 * plans again. Either way it answers, and counts every event once.
 */

const SQL = 'SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM ccc_events'

async function lake(dest?: Storage) {
  const pipeline = await testPipeline(dest ? { dest } : {})
  const corpus = await generateCorpus(pipeline.source, {
    seed: 225,
    startDate: '2021-02-01',
    days: 2,
    archivesPerDay: 4,
    eventsPerArchive: 20,
    lateEvents: false,
  })
  // Part files, as the trigger writes them: the compaction below merges and deletes them.
  await processArchives(pipeline, corpus.keys, { concurrency: 4, perArchive: true })
  return { pipeline, events: corpus.cccEvents }
}

function fsLocation(root: string): Location {
  return { storage: new FsStorage(root), prefix: '', spec: { kind: 'fs', root, prefix: '' } }
}

describe('a folder query planned before a compaction that deletes its inputs', () => {
  it('reads the files in place, and when planned files are gone plans again through hard links', async () => {
    const { pipeline, events } = await lake()
    const answer = await withDuckDb(async (db) => {
      const table = await viewsForStatement(db, fsLocation(pipeline.destRoot), SQL)
      try {
        expect(table.files.every((file) => file.startsWith(pipeline.destRoot))).toBe(true)
        await compactAll(pipeline)
        return await table.sql.rows(SQL)
      } finally {
        await table.release()
      }
    })
    expect(answer).toEqual([{ n: String(events), ids: String(events) }])
  })

  it('a statement failing while every planned file is there fails as it is, and the plan stays in place', async () => {
    const { pipeline, events } = await lake()
    await withDuckDb(async (db) => {
      const table = await viewsForStatement(db, fsLocation(pipeline.destRoot), SQL)
      try {
        await expect(table.sql.rows("SELECT * FROM read_parquet('/nonexistent/x.parquet')")).rejects.toThrow(/No files found|No such file/i)
        expect(await table.sql.rows(SQL)).toEqual([{ n: String(events), ids: String(events) }])
      } finally {
        await table.release()
      }
    })
  })

  it('without the links, the same sequence fails: the files are gone', async () => {
    const { pipeline } = await lake()
    await withDuckDb(async (db) => {
      await createViews(db, await localTable(fsLocation(pipeline.destRoot)))
      await compactAll(pipeline)
      await expect(db.rows(SQL)).rejects.toThrow(/No such file|No files found|Could not open|Cannot open/i)
    })
  })

  it('several queries running while compaction runs all answer exactly', async () => {
    const { pipeline, events } = await lake()
    const compaction = compactAll(pipeline)
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        withDuckDb(async (db) => {
          const table = await viewsForStatement(db, fsLocation(pipeline.destRoot), SQL)
          try {
            return await table.sql.rows(SQL)
          } finally {
            await table.release()
          }
        }),
      ),
    )
    await compaction
    for (const answer of answers) expect(answer).toEqual([{ n: String(events), ids: String(events) }])
  })
})

describe('an OSS query whose planned object a compaction deletes before it is fetched', () => {
  let server: OssServer
  beforeAll(async () => {
    server = await startLakeServer()
  })
  afterAll(() => server.close())

  it('plans again and answers as after the compaction', async () => {
    const oss = lakeStorage(server, { timeoutMs: 10_000 })
    const { pipeline, events } = await lake(oss)
    let compacted = false
    // The first fetch of a part file waits for the whole compaction (which deletes it) to finish.
    const racing: Storage = {
      ...stoppingBefore(oss, Infinity),
      get: async (key) => {
        if (!compacted && key.includes('/part-')) {
          compacted = true
          await compactAll(pipeline)
        }
        return oss.get(key)
      },
    }
    const dest = ossLocation(racing)
    const answer = await withDuckDb(async (db) => {
      await viewsForStatement(db, dest, SQL, { cacheDir: await tempDir('ccc-reading-cache') })
      return db.rows(SQL)
    })
    expect(compacted).toBe(true)
    expect(answer).toEqual([{ n: String(events), ids: String(events) }])
  })
})
