import { writeFile } from 'node:fs/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { withDuckDb } from '../../lib/query/duckdb.js'
import { type LocalTable, localTable } from '../../lib/query/local-table.js'
import { createViews } from '../../lib/query/views.js'
import { COLUMN_NAMES } from '../../lib/schema/columns.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { FIRST_RELEASE_COLUMNS, rewriteAsFirstRelease } from '../support/first-release.js'
import { testPipeline } from '../support/pipeline.js'
import { processAll } from '../support/table-runs.js'

const ADDED = COLUMN_NAMES.slice(FIRST_RELEASE_COLUMNS.length)
const OLD_DAY = '2021-02-03'
const NEW_DAY = '2021-02-04'

const event = (id: string, day: string) => ({
  ...seedSampleEvent(),
  eventId: id,
  eventTime: `${day}T04:01:00Z`,
  eventRW: 'Read',
  recipientAccountId: '1059804828509',
  referencedResources: { 'ACS::CCC::Instance': ['13c33db2-41a5-b0d0-e9e96614ad32'] },
})

/** Two days of one API; with `old`, the first day's file rewritten as the first release wrote it (25 columns). */
async function lake(old: boolean): Promise<{ root: string; table: LocalTable; oldFile: string; newFile: string }> {
  const pipeline = await testPipeline()
  const keys = [await putArchive(pipeline.source, [event('a', OLD_DAY)]), await putArchive(pipeline.source, [event('b', NEW_DAY)])]
  await processAll(pipeline, keys)
  if (old) expect(await rewriteAsFirstRelease(pipeline.dest, `dt=${OLD_DAY}/`)).toHaveLength(1)
  const root = pipeline.destRoot
  const table = await localTable({ storage: new FsStorage(root), prefix: '', spec: { kind: 'fs', root, prefix: '' } })
  const [oldFile, newFile] = table.files
  expect(oldFile).toContain(`dt=${OLD_DAY}/`)
  return { root, table, oldFile: oldFile!, newFile: newFile! }
}

const NEW_COLUMNS_SQL = `SELECT event_id, ${ADDED.join(', ')} FROM ccc_events ORDER BY event_id`

async function answer(table: LocalTable, sql: string, columns?: 'unified'): Promise<Record<string, unknown>[]> {
  return withDuckDb(async (db) => (await createViews(db, table, columns)).rows(sql))
}

describe('ccc_events declared from the column table', () => {
  let full: Awaited<ReturnType<typeof lake>>
  let mixed: Awaited<ReturnType<typeof lake>>
  beforeAll(async () => {
    full = await lake(false)
    mixed = await lake(true)
  })

  it('has the columns and types union_by_name gives a table of the full schema, in the same order', async () => {
    const describe = 'SELECT column_name, column_type FROM (DESCRIBE ccc_events)'
    const declared = await answer(full.table, describe)
    expect(declared.map((c) => c.column_name)).toEqual([...COLUMN_NAMES, 'dt', 'event_name'])
    expect(declared).toEqual(await answer(full.table, describe, 'unified'))
    expect(await answer(full.table, NEW_COLUMNS_SQL)).toEqual(await answer(full.table, NEW_COLUMNS_SQL, 'unified'))
  })

  it("is bound from one file's footer: a damaged later file does not stop the declaration (union_by_name reads it and fails)", async () => {
    const damaged = await lake(false)
    await writeFile(damaged.newFile, 'not parquet')
    await withDuckDb(async (db) => {
      await expect(createViews(db, damaged.table, 'unified')).rejects.toThrow()
      const sql = await createViews(db, damaged.table)
      expect(await sql.rows(`SELECT count(*) AS n FROM ccc_events WHERE dt = '${OLD_DAY}'`)).toEqual([{ n: '1' }])
    })
  })

  it('reads a file of the first release after the one it is bound from: its rows NULL in the new columns', async () => {
    const table = { ...mixed.table, files: [mixed.newFile, mixed.oldFile] }
    const rows = await answer(table, NEW_COLUMNS_SQL)
    expect(rows).toEqual([
      { event_id: 'a', event_rw: null, recipient_account_id: null, referenced_resources: null, unmapped: null },
      { event_id: 'b', event_rw: 'Read', recipient_account_id: '1059804828509', referenced_resources: expect.any(String), unmapped: null },
    ])
    expect(rows).toEqual(await answer(table, NEW_COLUMNS_SQL, 'unified'))
    expect(await answer(table, 'SELECT count(*) AS n FROM ccc_events')).toEqual([{ n: '2' }])
  })

  it('statements running at once over such a table all answer', async () => {
    const table = { ...mixed.table, files: [mixed.newFile, mixed.oldFile] }
    const answers = await withDuckDb(async (db) => {
      const sql = await createViews(db, table)
      return Promise.all([sql.rows(NEW_COLUMNS_SQL), sql.rows(NEW_COLUMNS_SQL), sql.rows('SELECT count(unmapped) AS n FROM ccc_events')])
    })
    expect(answers[0]).toEqual(answers[1])
    expect(answers[0]).toHaveLength(2)
    expect(answers[2]).toEqual([{ n: '0' }])
  })

  it('is declared with union_by_name when the first file is of the first release', async () => {
    const rows = await answer(mixed.table, NEW_COLUMNS_SQL)
    expect(rows.map((r) => r.event_rw)).toEqual([null, 'Read'])
    expect(rows).toEqual(await answer(mixed.table, NEW_COLUMNS_SQL, 'unified'))
    const onlyOld = { ...mixed.table, files: [mixed.oldFile] }
    expect(await answer(onlyOld, "SELECT count(*) AS n FROM (DESCRIBE ccc_events) WHERE column_name = 'referenced_resources'")).toEqual([{ n: '0' }])
  })

  it("drops a stale source's rows, except those a stand-in restores under another source, declared or unified", async () => {
    const [{ source_object: source }] = await answer(full.table, "SELECT source_object FROM ccc_events WHERE event_id = 'b'")
    const stale = [{ file: full.newFile, source: String(source) }]
    const restored = [{ file: full.newFile, eventId: 'b', as: 'trail/other-archive.json.gz' }]
    const sources = 'SELECT event_id, source_object FROM ccc_events ORDER BY event_id'
    for (const columns of [undefined, 'unified'] as const) {
      expect((await answer({ ...full.table, stale }, sources, columns)).map((r) => r.event_id)).toEqual(['a'])
      const rows = await answer({ ...full.table, stale, restored }, sources, columns)
      expect(rows.at(-1)).toEqual({ event_id: 'b', source_object: 'trail/other-archive.json.gz' })
      expect(rows).toHaveLength(2)
    }
    const columnsOf = (table: LocalTable) => answer(table, 'SELECT column_name FROM (DESCRIBE ccc_events)')
    expect(await columnsOf({ ...full.table, stale, restored })).toEqual(await columnsOf(full.table))
  })
})
