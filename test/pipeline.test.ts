import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { putArchive } from '../lib/demo/archive.js'
import { seedSampleEvent } from '../lib/demo/sample-event.js'
import { processArchive } from '../lib/pipeline.js'
import { listObjects, readJson } from '../lib/storage/list.js'
import { queryTable } from './support/duck.js'
import { expectAccounted, testPipeline } from './support/pipeline.js'

const ecsEvent = { eventId: 'E1', eventName: 'DescribeInstances', serviceName: 'Ecs', eventSource: 'ecs.aliyuncs.com', eventTime: '2021-02-03T04:11:00Z' }

async function keysUnder(pipeline: Awaited<ReturnType<typeof testPipeline>>, prefix = ''): Promise<string[]> {
  const keys: string[] = []
  for await (const info of listObjects(pipeline.dest, prefix)) keys.push(info.key)
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
      dt: '2021-02-03',
      event_name: 'ListConfig',
    })
    const types = await queryTable(pipeline.destRoot, `SELECT column_name, column_type FROM (DESCRIBE ccc_events) WHERE column_name IN ('event_time','event_version','account_id','is_global','dt')`)
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toEqual({
      event_time: 'TIMESTAMP WITH TIME ZONE', event_version: 'INTEGER', account_id: 'VARCHAR', is_global: 'BOOLEAN', dt: 'DATE',
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
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedDeep((value as Record<string, unknown>)[k])]))
}
