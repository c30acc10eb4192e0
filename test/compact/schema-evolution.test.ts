import { describe, expect, it } from 'vitest'
import { writeCatalog } from '../../lib/catalog/write-catalog.js'
import { generateDdl } from '../../lib/ddl/generate.js'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { withDuckDb } from '../../lib/query/duckdb.js'
import { COLUMN_NAMES } from '../../lib/schema/columns.js'
import { queryTable } from '../support/duck.js'
import { FIRST_RELEASE_COLUMNS, rewriteAsFirstRelease } from '../support/first-release.js'
import { testPipeline } from '../support/pipeline.js'
import { compactAll, filesByPartition, processAll } from '../support/table-runs.js'

const ADDED = COLUMN_NAMES.slice(FIRST_RELEASE_COLUMNS.length)

/** The same API on the same day, once before the four columns existed and once after. */
const event = (id: string, minute: number) => ({
  ...seedSampleEvent(),
  eventId: id,
  eventTime: `2021-02-03T04:${String(minute).padStart(2, '0')}:00Z`,
  eventRW: 'Read',
  recipientAccountId: '1059804828509',
  referencedResources: { 'ACS::CCC::Instance': ['13c33db2-41a5-b0d0-e9e96614ad32'] },
  vpcId: 'vpc-1',
})

async function mixedLake() {
  const pipeline = await testPipeline()
  const old = await putArchive(pipeline.source, [event('old-1', 1), event('old-2', 2)], { deliveredAt: new Date('2021-02-03T04:05:00Z') })
  await processAll(pipeline, [old])
  const rewritten = await rewriteAsFirstRelease(pipeline.dest)
  expect(rewritten).toHaveLength(1)
  const fresh = await putArchive(pipeline.source, [event('new-1', 11), event('new-2', 12)], { deliveredAt: new Date('2021-02-03T04:15:00Z') })
  await processAll(pipeline, [fresh])
  return pipeline
}

const NEW_COLUMNS_SQL = `SELECT event_id, ${ADDED.join(', ')} FROM ccc_events ORDER BY event_id`
const EXPECTED_ROWS = [
  {
    event_id: 'new-1',
    event_rw: 'Read',
    recipient_account_id: '1059804828509',
    referenced_resources: '{"ACS::CCC::Instance":["13c33db2-41a5-b0d0-e9e96614ad32"]}',
    unmapped: '{"vpcId":"vpc-1"}',
  },
  {
    event_id: 'new-2',
    event_rw: 'Read',
    recipient_account_id: '1059804828509',
    referenced_resources: '{"ACS::CCC::Instance":["13c33db2-41a5-b0d0-e9e96614ad32"]}',
    unmapped: '{"vpcId":"vpc-1"}',
  },
  { event_id: 'old-1', event_rw: null, recipient_account_id: null, referenced_resources: null, unmapped: null },
  { event_id: 'old-2', event_rw: null, recipient_account_id: null, referenced_resources: null, unmapped: null },
]

/** Column names of every data file, per file, as DuckDB reads them. */
async function fileColumns(root: string): Promise<string[][]> {
  return withDuckDb(async (db) => {
    const rows = await db.rows(
      `SELECT file_name, list(name ORDER BY name) AS names FROM parquet_schema('${root}/dt=*/*/*.parquet') WHERE name <> 'schema' GROUP BY file_name`,
    )
    return rows.map((row) => (row.names as string[]).slice())
  })
}

describe('a lake written with the first release (25 columns), then with 29', () => {
  it('is read by query over both: old rows NULL in the new columns', async () => {
    const pipeline = await mixedLake()
    expect((await fileColumns(pipeline.destRoot)).map((names) => names.length).sort()).toEqual([FIRST_RELEASE_COLUMNS.length, COLUMN_NAMES.length])
    expect(await queryTable(pipeline.destRoot, NEW_COLUMNS_SQL)).toEqual(EXPECTED_ROWS)
    const [all] = await queryTable(pipeline.destRoot, 'SELECT * FROM ccc_events LIMIT 1')
    expect(Object.keys(all)).toEqual([...COLUMN_NAMES, 'dt', 'event_name'])
  })

  it('is read by the generated DuckDB DDL too', async () => {
    const pipeline = await mixedLake()
    await writeCatalog(pipeline.dest, pipeline.destPrefix)
    const rows = await withDuckDb(async (db) => {
      await db.run(generateDdl({ engine: 'duckdb', location: pipeline.destRoot }))
      return db.rows(NEW_COLUMNS_SQL)
    })
    expect(rows).toEqual(EXPECTED_ROWS)
  })

  it('is compacted into files of the full schema, the old rows NULL in the new columns', async () => {
    const pipeline = await mixedLake()
    const summary = await compactAll(pipeline)
    expect(summary).toMatchObject({ compacted: 1, rowsBefore: 4, rowsAfter: 4 })
    const files = [...(await filesByPartition(pipeline.dest)).values()].flat()
    expect(files).toEqual([expect.stringMatching(/^compact-/)])
    expect(await fileColumns(pipeline.destRoot)).toEqual([[...COLUMN_NAMES].sort()])
    expect(await queryTable(pipeline.destRoot, NEW_COLUMNS_SQL)).toEqual(EXPECTED_ROWS)
  })
})
