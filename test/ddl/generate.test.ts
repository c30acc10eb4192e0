import { describe, expect, it } from 'vitest'
import { CCC_API_CATALOG } from '../../lib/catalog/ccc-api.js'
import { CATALOG_COLUMNS, writeCatalog } from '../../lib/catalog/write-catalog.js'
import { engineLocation, generateDdl } from '../../lib/ddl/generate.js'
import { ENGINE_TYPES, type Engine, PARTITION_TYPES } from '../../lib/ddl/types.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { UsageError } from '../../lib/errors.js'
import { sqlString, withDuckDb } from '../../lib/query/duckdb.js'
import { processArchives } from '../../lib/run-archives.js'
import { COLUMNS } from '../../lib/schema/columns.js'
import { testPipeline } from '../support/pipeline.js'

/** The `name type` pairs of the column list that follows `CREATE ... <table> (`, in order. */
function declaredColumns(ddl: string, table: string): [string, string][] {
  const start = ddl.indexOf(`${table} (\n`)
  expect(start, `CREATE of ${table}`).toBeGreaterThan(0)
  const body = ddl.slice(start + table.length + 3, ddl.indexOf('\n)', start))
  return body.split('\n').map((line) => {
    const match = /^\s+(\w+)\s+(.+?)(?: COMMENT '.*')?,?$/.exec(line)
    expect(match, line).not.toBeNull()
    return [match![1], match![2]]
  })
}

function expectedColumns(engine: Engine, partitionsInList: boolean): [string, string][] {
  const data = COLUMNS.map((c): [string, string] => [c.name, ENGINE_TYPES[engine][c.kind]])
  return partitionsInList ? [...data, ['dt', PARTITION_TYPES[engine].dt], ['event_name', PARTITION_TYPES[engine].event_name]] : data
}

describe('generateDdl for the Hive family and Trino', () => {
  const location = 'oss://lake-bucket/ccc-parquet/ccc_events'

  it('declares every column in file order with the engine type, partitions last (Trino, Spark) or in PARTITIONED BY (Hive, MaxCompute)', () => {
    const trino = generateDdl({ engine: 'trino', location, table: 'hive.audit.ccc_events' })
    expect(declaredColumns(trino, 'hive.audit.ccc_events')).toEqual(expectedColumns('trino', true))
    expect(trino).toContain("partitioned_by = ARRAY['dt', 'event_name']")
    expect(trino).toContain("external_location = 'oss://lake-bucket/ccc-parquet/ccc_events/'")
    expect(trino).toContain("CALL hive.system.sync_partition_metadata(schema_name => 'audit', table_name => 'ccc_events', mode => 'FULL');")

    const spark = generateDdl({ engine: 'spark', location })
    expect(declaredColumns(spark, 'ccc_events')).toEqual(expectedColumns('spark', true))
    expect(spark).toMatch(/USING PARQUET\nPARTITIONED BY \(dt, event_name\)\nLOCATION 'oss:\/\/lake-bucket\/ccc-parquet\/ccc_events\/'/)
    expect(spark).toContain('MSCK REPAIR TABLE ccc_events;')

    const hive = generateDdl({ engine: 'hive', location })
    expect(declaredColumns(hive, 'ccc_events')).toEqual(expectedColumns('hive', false))
    expect(hive).toMatch(
      /PARTITIONED BY \(dt STRING, event_name STRING\)\nSTORED AS PARQUET\nLOCATION 'oss:\/\/lake-bucket\/ccc-parquet\/ccc_events\/';\nMSCK REPAIR TABLE ccc_events;/,
    )

    const maxcompute = generateDdl({ engine: 'maxcompute', location, ossRegion: 'cn-shanghai' })
    expect(declaredColumns(maxcompute, 'ccc_events')).toEqual(expectedColumns('maxcompute', false))
    expect(maxcompute).toContain("LOCATION 'oss://oss-cn-shanghai-internal.aliyuncs.com/lake-bucket/ccc-parquet/ccc_events/';")
    expect(maxcompute).toContain('MSCK REPAIR TABLE ccc_events ADD PARTITIONS;')
    expect(maxcompute).toContain('SET odps.sql.type.system.odps2=true;')
  })

  it('declares the catalog table over _catalog/ in every engine', () => {
    for (const engine of ['trino', 'spark', 'hive', 'maxcompute'] as const) {
      const ddl = generateDdl({ engine, location: 'oss://oss-cn-hangzhou-internal.aliyuncs.com/b/t/' })
      expect(declaredColumns(ddl, 'ccc_api_catalog').map(([name]) => name)).toEqual(CATALOG_COLUMNS.map((c) => c.name))
      expect(ddl).toContain("'oss://oss-cn-hangzhou-internal.aliyuncs.com/b/t/_catalog/'")
    }
  })

  it('refuses what would not run: bad table names, MaxCompute on a bucket without its region', () => {
    expect(() => generateDdl({ engine: 'hive', location, table: 'ccc events; drop' })).toThrow(UsageError)
    expect(() => generateDdl({ engine: 'maxcompute', location })).toThrow(/region/)
    expect(engineLocation({ engine: 'duckdb', location })).toBe('s3://lake-bucket/ccc-parquet/ccc_events/')
  })
})

describe('generateDdl for DuckDB, run against real output', () => {
  it('declares exactly the types the files have, and the views answer queries', async () => {
    const pipeline = await testPipeline()
    const corpus = await generateCorpus(pipeline.source, { seed: 3, days: 2, archivesPerDay: 4, eventsPerArchive: 30, lateEvents: false })
    await processArchives(pipeline, corpus.keys)
    await writeCatalog(pipeline.dest, pipeline.destPrefix)
    const ddl = generateDdl({ engine: 'duckdb', location: pipeline.destRoot })
    const glob = sqlString(`${pipeline.destRoot}/dt=*/event_name=*/*.parquet`)

    await withDuckDb(async (db) => {
      await db.run(ddl)
      const declared = await db.rows('SELECT column_name, column_type FROM (DESCRIBE ccc_events)')
      const inFiles = await db.rows(
        `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${glob}, hive_partitioning = true, hive_types = {'dt': DATE, 'event_name': VARCHAR}))`,
      )
      expect(declared).toEqual(inFiles)
      expect(declared.map((c) => c.column_name)).toEqual([...COLUMNS.map((c) => c.name), 'dt', 'event_name'])
      const catalogTypes = await db.rows(`SELECT column_name, column_type FROM (DESCRIBE ccc_api_catalog)`)
      const catalogFile = await db.rows(
        `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${sqlString(`${pipeline.destRoot}/_catalog/ccc_api_catalog.parquet`)}))`,
      )
      expect(catalogTypes).toEqual(catalogFile)

      const [count] = await db.rows('SELECT count(*) AS n, count(DISTINCT dt) AS days FROM ccc_events')
      expect(count).toEqual({ n: String(corpus.cccEvents), days: '2' })
      const [catalog] = await db.rows('SELECT count(*) AS n FROM ccc_api_catalog')
      expect(catalog.n).toBe(String(CCC_API_CATALOG.length))
      const unexplained = await db.rows('SELECT DISTINCT e.event_name FROM ccc_events e ANTI JOIN ccc_api_catalog c USING (event_name)')
      expect(unexplained).toEqual([])
    })
  })
})
