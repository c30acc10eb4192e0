import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { putArchive } from '../lib/demo/archive.js'
import { seedSampleEvent } from '../lib/demo/sample-event.js'
import { LEASE_DIR } from '../lib/layout.js'
import { processArchive } from '../lib/pipeline.js'
import { listObjects } from '../lib/storage/list.js'
import { readJson } from '../lib/storage/read.js'
import { queryTable } from './support/duck.js'
import { expectAccounted, testPipeline } from './support/pipeline.js'

const ecsEvent = { eventId: 'E1', eventName: 'DescribeInstances', serviceName: 'Ecs', eventSource: 'ecs.aliyuncs.com', eventTime: '2021-02-03T04:11:00Z' }

/** The table's keys, without partition leases (a forced rerun takes them; a released lease's last generation stays). */
async function keysUnder(pipeline: Awaited<ReturnType<typeof testPipeline>>, prefix = ''): Promise<string[]> {
  const keys: string[] = []
  for await (const info of listObjects(pipeline.dest, prefix)) if (!info.key.startsWith(LEASE_DIR)) keys.push(info.key)
  return keys
}

describe('processArchive', () => {
  it('writes the seed sample event so DuckDB reads every column back', async () => {
    const pipeline = await testPipeline()
    const key = await putArchive(pipeline.source, [seedSampleEvent(), ecsEvent])
    const result = await processArchive(pipeline, key)
    expect(result).toMatchObject({ status: 'written', counts: { events: 2, rows: 1, nonCcc: 1, quarantined: 0 }, files: 1 })
    expectAccounted(result)
    const [row] = await queryTable(pipeline.destRoot, `SELECT * EXCLUDE (event_time), epoch_ms(event_time) AS event_ms FROM ccc_events`)
    expect(row).toEqual({
      event_id: '21A29A59-078C-4C88-9352-9F90BA5820C4',
      event_ms: String(Date.parse('2021-02-03T04:10:08Z')),
      event_type: 'ApiCall',
      event_source: 'ccc.cn-shanghai.aliyuncs.com',
      event_version: 1,
      service_name: 'CloudCallCenter',
      api_version: '2017-07-05',
      acs_region: 'cn-shanghai',
      is_global: false,
      request_id: '21A29A59-078C-4C88-9352-9F90BA5820C4',
      instance_id: '13c33db2-41a5-b0d0-e9e96614ad32',
      source_ip_address: '203.209.240.173',
      user_agent: 'AlibabaCloud (Linux; amd64) Java/1.8.0_152-b187 Core/4.4.5 HTTPClient/ApacheHttpClient',
      user_type: 'ram-user',
      account_id: '1059804828509',
      principal_id: '239218489119881',
      user_name: 'gudihui2',
      access_key_id: 'LTAI4GK6Bkjo2XhCjBRrAbjL',
      mfa_authenticated: false,
      error_code: null,
      error_message: null,
      request_parameters: JSON.stringify(sortedDeep(seedSampleEvent().requestParameters)),
      response_elements: null,
      additional_event_data: '{"Scheme":"http"}',
      source_object: key,
      event_rw: null,
      recipient_account_id: null,
      referenced_resources: null,
      unmapped: null,
      dt: '2021-02-03',
      event_name: 'ListConfig',
    })
    const types = await queryTable(
      pipeline.destRoot,
      `SELECT column_name, column_type FROM (DESCRIBE ccc_events) WHERE column_name IN ('event_time','event_version','account_id','is_global','dt')`,
    )
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toEqual({
      event_time: 'TIMESTAMP WITH TIME ZONE',
      event_version: 'INTEGER',
      account_id: 'VARCHAR',
      is_global: 'BOOLEAN',
      dt: 'DATE',
    })
  })

  it('is idempotent: the same archive again is skipped, and forced it rewrites the same files', async () => {
    const pipeline = await testPipeline()
    const key = await putArchive(pipeline.source, [seedSampleEvent()])
    await processArchive(pipeline, key)
    const before = await keysUnder(pipeline)
    expect((await processArchive(pipeline, key)).status).toBe('already_done')
    expect((await processArchive(pipeline, key, { force: true })).status).toBe('written')
    expect(await keysUnder(pipeline)).toEqual(before)
    expect(await queryTable(pipeline.destRoot, 'SELECT count(*) AS n FROM ccc_events')).toEqual([{ n: '1' }])
  })

  it('replaces the outputs of an older version of the same object', async () => {
    const pipeline = await testPipeline()
    const first = { ...seedSampleEvent(), eventName: 'ListUsers' }
    const key = await putArchive(pipeline.source, [first])
    await processArchive(pipeline, key)
    // Same key, new content (a re-delivered object): ListUsers must disappear, ListConfig appear.
    await pipeline.source.put(key, gzipSync(JSON.stringify([seedSampleEvent()])))
    expect((await processArchive(pipeline, key)).status).toBe('written')
    expect(await queryTable(pipeline.destRoot, 'SELECT event_name, count(*) AS n FROM ccc_events GROUP BY 1')).toEqual([{ event_name: 'ListConfig', n: '1' }])
    const manifests = await keysUnder(pipeline, '_ccc_trail/manifests/')
    expect(manifests).toHaveLength(1)
  })

  it('writes a manifest that lists outputs and counts', async () => {
    const pipeline = await testPipeline()
    const key = await putArchive(pipeline.source, [seedSampleEvent(), { ...seedSampleEvent(), eventId: 'X2', eventName: 'ListUsers' }, ecsEvent])
    await processArchive(pipeline, key)
    const [manifestKey] = await keysUnder(pipeline, '_ccc_trail/manifests/')
    expect(manifestKey.startsWith(`_ccc_trail/manifests/${key}@`)).toBe(true)
    const manifest = await readJson<{ outputs: { key: string; rows: number }[]; counts: object }>(pipeline.dest, manifestKey)
    expect(manifest.counts).toEqual({ events: 3, rows: 2, nonCcc: 1, quarantined: 0 })
    expect(manifest.outputs.map((o) => o.key).sort()).toEqual((await keysUnder(pipeline, 'dt=')).sort())
  })
})

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedDeep((value as Record<string, unknown>)[k])]),
  )
}

describe('processArchive placement', () => {
  const at = (eventId: string, eventTime: string, eventName = 'ListUsers') => ({ ...seedSampleEvent(), eventId, eventTime, eventName })

  it.each(['array', 'ndjson', 'records'] as const)('reads the %s body form', async (form) => {
    const pipeline = await testPipeline()
    const key = await putArchive(pipeline.source, [at('a', '2021-02-03T04:00:00Z'), at('b', '2021-02-03T04:01:00Z'), ecsEvent], { form })
    const result = await processArchive(pipeline, key)
    expect(result.counts).toEqual({ events: 3, rows: 2, nonCcc: 1, quarantined: 0 })
  })

  it('puts a late event into the dt of its eventTime, not of the folder', async () => {
    const pipeline = await testPipeline()
    const key = await putArchive(pipeline.source, [at('late', '2021-02-02T23:58:00Z'), at('on-time', '2021-02-03T00:01:00Z')], {
      deliveredAt: new Date('2021-02-03T00:05:00Z'),
    })
    expect(key).toContain('/2021/02/03/')
    await processArchive(pipeline, key)
    expect(await queryTable(pipeline.destRoot, 'SELECT event_id, dt::VARCHAR AS dt FROM ccc_events ORDER BY event_time')).toEqual([
      { event_id: 'late', dt: '2021-02-02' },
      { event_id: 'on-time', dt: '2021-02-03' },
    ])
  })

  it('dates partitions in the configured time zone', async () => {
    const pipeline = await testPipeline({ options: { timeZone: 'Asia/Shanghai' } })
    const key = await putArchive(pipeline.source, [at('x', '2021-02-03T17:00:00Z')])
    await processArchive(pipeline, key)
    expect(await queryTable(pipeline.destRoot, 'SELECT dt::VARCHAR AS dt FROM ccc_events')).toEqual([{ dt: '2021-02-04' }])
  })

  it('sorts rows of a file by event_time', async () => {
    const pipeline = await testPipeline()
    const key = await putArchive(pipeline.source, [at('3', '2021-02-03T04:03:00Z'), at('1', '2021-02-03T04:01:00Z'), at('2', '2021-02-03T04:02:00Z')])
    await processArchive(pipeline, key)
    const rows = await queryTable(pipeline.destRoot, `SELECT event_id FROM read_parquet('${pipeline.destRoot}/dt=*/*/*.parquet')`)
    expect(rows.map((r) => r.event_id)).toEqual(['1', '2', '3'])
  })

  it('quarantines undatable events and still writes the rest of the archive', async () => {
    const pipeline = await testPipeline()
    const key = await putArchive(pipeline.source, [
      at('good', '2021-02-03T04:00:00Z'),
      { ...at('no-time', ''), eventTime: undefined },
      at('bad-time', 'tomorrow'),
    ])
    const result = await processArchive(pipeline, key)
    expect(result).toMatchObject({ status: 'written', counts: { events: 3, rows: 1, nonCcc: 0, quarantined: 2 } })
    expectAccounted(result)
    const [quarantine] = await keysUnder(pipeline, '_quarantine/')
    const record = await readJson<{ scope: string; events: { index: number; reason: string; raw?: string }[] }>(pipeline.dest, quarantine)
    expect(record.scope).toBe('events')
    expect(record.events.map((e) => [e.index, e.reason])).toEqual([
      [1, 'event_time_missing'],
      [2, 'event_time_invalid'],
    ])
    expect(JSON.parse(record.events[1].raw!).eventId).toBe('bad-time')
  })

  it('quarantines an archive whose event count disagrees with its key, and writes it when told to accept that', async () => {
    const pipeline = await testPipeline()
    const key = await putArchive(pipeline.source, [at('a', '2021-02-03T04:00:00Z')], { eventCount: 2 })
    const result = await processArchive(pipeline, key)
    expect(result).toMatchObject({ status: 'quarantined', reason: 'event_count_mismatch', counts: { events: 2, quarantined: 2 } })
    expect(await keysUnder(pipeline, 'dt=')).toEqual([])
    const lenient = { ...pipeline, options: { ...pipeline.options, verifyEventCount: false } }
    expect(await processArchive(lenient, key, { force: true })).toMatchObject({ status: 'written', counts: { rows: 1 } })
    expect(await keysUnder(pipeline, '_quarantine/')).toEqual([])
  })

  it('counts every event it read when an archive holds more events than its key says', async () => {
    const pipeline = await testPipeline()
    const key = await putArchive(pipeline.source, [at('a', '2021-02-03T04:00:00Z'), at('b', '2021-02-03T04:00:01Z')], { eventCount: 1 })
    const result = await processArchive(pipeline, key)
    expect(result).toMatchObject({ status: 'quarantined', reason: 'event_count_mismatch', counts: { events: 2, quarantined: 2 } })
    expectAccounted(result)
  })
})
