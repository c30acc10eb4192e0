import { UsageError } from '../errors.js'
import { duckdbView } from './duckdb.js'
import { hiveTable, maxComputeTable, sparkTable } from './hive-family.js'
import { checkedTableName, folderUri } from './sql-text.js'
import { type TableSpec, tableSpecs } from './tables.js'
import { trinoTable } from './trino.js'
import type { Engine } from './types.js'

export interface DdlOptions {
  engine: Engine
  /** The table's folder: oss://bucket/prefix/, s3://..., hdfs://..., or a local path (DuckDB). */
  location: string
  /** Name of the events table, optionally schema-qualified; default ccc_events. */
  table?: string
  /** OSS region (e.g. cn-shanghai): MaxCompute's LOCATION names the OSS endpoint, not just the bucket. */
  ossRegion?: string
}

const GENERATORS: Record<Engine, (table: TableSpec, location: string) => string> = {
  duckdb: duckdbView,
  trino: trinoTable,
  spark: sparkTable,
  hive: hiveTable,
  maxcompute: maxComputeTable,
}

/** event_time is stored as INT64 TIMESTAMP(MILLIS, isAdjustedToUTC=true): an instant. What each engine makes of it. */
const TIMESTAMP_NOTES: Record<Engine, string[]> = {
  duckdb: ["event_time is TIMESTAMP WITH TIME ZONE (an instant), shown in the session time zone: SET TimeZone = 'UTC' (or 'Asia/Shanghai')."],
  trino: [
    'event_time: the Hive connector only takes timestamp(3) (no time zone). The files hold UTC instants; recent',
    'Trino versions shift them to hive.parquet.time-zone (default: the JVM zone), so set hive.parquet.time-zone=UTC',
    'in the catalog to read UTC wall-clock times.',
  ],
  spark: ['event_time is TIMESTAMP (an instant, TIMESTAMP_LTZ), shown in spark.sql.session.timeZone.'],
  hive: [
    'event_time: Hive 4 reads INT64 TIMESTAMP(MILLIS, UTC) columns as TIMESTAMP. Earlier Hive versions read only',
    'INT96 timestamps; there, declare event_time BIGINT (epoch milliseconds) instead.',
  ],
  maxcompute: [
    'event_time is TIMESTAMP, a MaxCompute 2.0 type: run with SET odps.sql.type.system.odps2=true;',
    'values are shown in the project time zone (odps.sql.timezone). The RAM role MaxCompute uses must read the bucket.',
  ],
}

/** External-table DDL for ccc_events (partitioned by dt, event_name) and ccc_api_catalog, plus partition discovery. */
export function generateDdl(options: DdlOptions): string {
  const { events, catalog } = tableSpecs(checkedTableName(options.table ?? 'ccc_events'))
  const location = engineLocation(options)
  const generate = GENERATORS[options.engine]
  return [
    `-- ${events.name}: CCC (Cloud Call Center) API events from ActionTrail, written by ccc-trail.`,
    `-- Partitions: dt (YYYY-MM-DD of event_time in the partition time zone) and event_name (Hive-escaped).`,
    `-- Folders starting with _ (_ccc_trail/, _quarantine/, _catalog/) hold no events; engines skip them.`,
    ...TIMESTAMP_NOTES[options.engine].map((line) => `-- ${line}`),
    ...locationNotes(options, location).map((line) => `-- ${line}`),
    ...(options.engine === 'maxcompute' ? ['SET odps.sql.type.system.odps2=true;'] : []),
    '',
    generate(events, location),
    '',
    `-- ${catalog.name}: join on event_name for what each API does.`,
    generate(catalog, location),
    '',
  ].join('\n')
}

/** MaxCompute wants oss://<endpoint>/<bucket>/...; DuckDB reads OSS through its S3 API (s3://bucket/...). */
export function engineLocation(options: DdlOptions): string {
  const oss = /^oss:\/\/([^/]+)(\/.*)?$/.exec(options.location)
  if (!oss) return folderUri(options.location)
  const [, host, path = '/'] = oss
  if (options.engine === 'duckdb') return folderUri(`s3://${host}${path}`)
  if (options.engine !== 'maxcompute' || host.includes('.aliyuncs.com')) return folderUri(options.location)
  if (!options.ossRegion)
    throw new UsageError('MaxCompute names the OSS endpoint in LOCATION: give the OSS region (e.g. cn-shanghai) or an oss://<endpoint>/<bucket>/ location')
  return folderUri(`oss://oss-${options.ossRegion}-internal.aliyuncs.com/${host}${path}`)
}

function locationNotes(options: DdlOptions, location: string): string[] {
  if (options.engine === 'duckdb' && location.startsWith('s3://') && options.location.startsWith('oss://')) {
    return [
      'OSS through its S3-compatible API: first',
      `  CREATE SECRET ccc_oss (TYPE s3, KEY_ID '<AccessKey id>', SECRET '<AccessKey secret>', ENDPOINT 'oss-${options.ossRegion ?? '<region>'}.aliyuncs.com', URL_STYLE 'vhost');`,
    ]
  }
  if (options.engine === 'trino' && location.startsWith('oss://')) {
    return [
      "oss:// needs an OSS-aware file system (e.g. JindoSDK on E-MapReduce); with Trino's S3 file system use s3://<bucket>/<prefix>/ and the OSS endpoint.",
    ]
  }
  return []
}
