import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { handler } from '../../functions/oss-trigger.js'
import { loadConfig, type Settings } from '../../lib/config.js'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { AccessError, RetryableError } from '../../lib/errors.js'
import type { InvocationDeps } from '../../lib/fc/container.js'
import { type OssEventRecordParts, ossTriggerEvent } from '../../lib/fc/oss-event.js'
import { handle as handleOssEvent } from '../../lib/handlers/oss-trigger.js'
import type { LocationSpec } from '../../lib/location.js'
import { jsonLogger } from '../../lib/log.js'
import { localTable } from '../../lib/query/local-table.js'
import { listObjects } from '../../lib/storage/list.js'
import type { Location } from '../../lib/storage/open.js'
import { OssStorage } from '../../lib/storage/oss.js'
import { FUZZ } from '../fuzz/settings.js'
import { type ArchiveSpec, archiveBytes, archiveSpec } from '../support/archive-specs.js'
import { queryTable } from '../support/duck.js'
import { resetFaultsAfterEach } from '../support/oss-fixture.js'
import { type OssServer, startOssServer } from '../support/oss-server.js'
import { tempDir } from '../support/temp.js'

const ACCESS_KEY_ID = 'LTAI5tTriggerTestKeyId'
const SECRET = 'trigger-secret-Qz7Lw2x9'
const TOKEN = 'trigger-sts-token-Xy81mN4q'
const SOURCE_PREFIX = 'trail/'
const DEST_PREFIX = 'ccc-parquet/ccc_events/'

const ccc = (eventId: string, eventName = 'ListConfig') => ({ ...seedSampleEvent(), eventId, requestId: eventId, eventName })
const ecs = { eventId: 'ECS-1', eventName: 'DescribeInstances', serviceName: 'Ecs', eventSource: 'ecs.aliyuncs.com', eventTime: '2021-02-03T04:11:00Z' }

let server: OssServer
let bucketCount = 0

beforeAll(async () => {
  server = await startOssServer({ accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRET, securityToken: TOKEN })
})
afterAll(() => server.close())
resetFaultsAfterEach(() => server)

interface Harness {
  bucket: string
  deps: InvocationDeps
  lines: string[]
  storage: OssStorage
  deliver(...records: Omit<OssEventRecordParts, 'bucket'>[]): ReturnType<typeof handleOssEvent>
  rows(): Promise<Record<string, unknown>[]>
  destKeys(): Promise<string[]>
}

/** A fresh bucket on the test server and the trigger core wired to it as FC would (one client per bucket). */
function harness(settings: Settings = {}): Harness {
  const bucket = `trail-bucket-${++bucketCount}`
  server.bucket(bucket)
  const config = loadConfig({ SOURCE_BUCKET: bucket, SOURCE_PREFIX, DEST_PREFIX, ...settings })
  const storage = ossStorage(bucket)
  const open = (spec: LocationSpec): Location => {
    if (spec.kind !== 'oss' || spec.bucket !== bucket) throw new Error(`the test opens only ${bucket}`)
    return { storage, prefix: spec.prefix, spec }
  }
  const lines: string[] = []
  const deps = { config, open, log: jsonLogger((line) => lines.push(line), 'debug', { requestId: 'test-request' }) }
  const dest = open(config.dest)
  return {
    bucket,
    deps,
    lines,
    storage,
    deliver: (...records) => handleOssEvent(deps, Buffer.from(JSON.stringify(ossTriggerEvent(records.map((r) => ({ bucket, ...r })))))),
    rows: async () =>
      queryTable(await localTable(dest, await tempDir('ccc-mirror')), 'SELECT event_id, event_name, source_object FROM ccc_events ORDER BY event_id'),
    destKeys: async () => {
      const keys: string[] = []
      for await (const info of listObjects(storage, DEST_PREFIX)) keys.push(info.key)
      return keys.sort()
    },
  }
}

function ossStorage(bucket: string, secret = SECRET): OssStorage {
  return new OssStorage({
    bucket,
    endpoint: server.endpoint,
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: secret,
    securityToken: TOKEN,
    retries: 2,
    retryBaseMs: 2,
    timeoutMs: 2_000,
  })
}

const logged = (h: Harness) => h.lines.map((line) => JSON.parse(line) as Record<string, unknown>)

function expectNoSecrets(lines: string[]): void {
  const text = lines.join('\n')
  expect(text).not.toContain(SECRET)
  expect(text).not.toContain(TOKEN)
}

describe('OSS trigger: converting archives', () => {
  it('turns an uploaded archive into Parquet under the destination prefix that DuckDB reads, with one counted log line', async () => {
    const h = harness()
    const key = await putArchive(h.storage, [ccc('A1'), ccc('A2', 'ListUsers'), ecs], { prefix: SOURCE_PREFIX })
    const summary = await h.deliver({ key })
    expect(summary).toMatchObject({ objects: 1, written: 1, failed: 0, counts: { events: 3, rows: 2, nonCcc: 1, quarantined: 0 } })
    expect(summary.outcomes).toEqual([{ bucket: h.bucket, key, status: 'written', counts: { events: 3, rows: 2, nonCcc: 1, quarantined: 0 } }])
    expect(await h.rows()).toEqual([
      { event_id: 'A1', event_name: 'ListConfig', source_object: key },
      { event_id: 'A2', event_name: 'ListUsers', source_object: key },
    ])
    const keys = await h.destKeys()
    expect(keys.filter((k) => k.endsWith('.parquet')).every((k) => k.startsWith(`${DEST_PREFIX}dt=2021-02-03/event_name=`))).toBe(true)
    expect(keys.some((k) => k.startsWith(`${DEST_PREFIX}_ccc_trail/manifests/${key}@`))).toBe(true)
    const archiveLines = logged(h).filter((l) => l.source === key && l.status === 'written')
    expect(archiveLines).toEqual([
      expect.objectContaining({ level: 'info', requestId: 'test-request', bucket: h.bucket, events: 3, rows: 2, nonCcc: 1, quarantined: 0 }),
    ])
    expectNoSecrets(h.lines)
  })

  it('gives the same rows when the same event is delivered twice, one after the other', async () => {
    const h = harness()
    const key = await putArchive(h.storage, [ccc('S1'), ccc('S2')], { prefix: SOURCE_PREFIX })
    await h.deliver({ key })
    const rows = await h.rows()
    const keys = await h.destKeys()
    expect((await h.deliver({ key })).outcomes[0]).toMatchObject({ status: 'already_done' })
    expect(await h.rows()).toEqual(rows)
    expect(await h.destKeys()).toEqual(keys)
  })

  it('gives the same rows when the same event is delivered twice at once', async () => {
    const h = harness()
    const key = await putArchive(h.storage, [ccc('C1'), ccc('C2', 'ListUsers'), ecs], { prefix: SOURCE_PREFIX })
    const results = await Promise.all([h.deliver({ key }), h.deliver({ key })])
    expect(results.map((r) => r.failed)).toEqual([0, 0])
    expect(await h.rows()).toEqual([
      { event_id: 'C1', event_name: 'ListConfig', source_object: key },
      { event_id: 'C2', event_name: 'ListUsers', source_object: key },
    ])
    expect((await h.destKeys()).filter((k) => k.includes('/manifests/'))).toHaveLength(1)
  })

  it('handles every record of a multi-record event: archives, Insight archives, other files and vanished objects', async () => {
    const h = harness()
    const key = await putArchive(h.storage, [ccc('M1')], { prefix: SOURCE_PREFIX })
    const insight = `${SOURCE_PREFIX}AliyunLogs/Actiontrail-Insight/cn-shanghai/2021/02/03/Insight_20210203041500.gz`
    const other = `${SOURCE_PREFIX}AliyunLogs/Actiontrail/readme.gz`
    const gone = key.replace('_1002_1_', '_1002_7_')
    const summary = await h.deliver({ key }, { key: insight }, { key: other }, { key: gone })
    expect(summary.outcomes.map((o) => [o.status, o.reason])).toEqual([
      ['written', undefined],
      ['skipped', 'insight_archive'],
      ['skipped', 'not_an_archive'],
      ['missing', 'no_such_object'],
    ])
    expect(summary).toMatchObject({ objects: 4, written: 1, skipped: 3, failed: 0 })
    expect(server.requests.filter((r) => r.bucket === h.bucket && (r.key === insight || r.key === other) && r.op === 'GetObject')).toEqual([])
    expect(logged(h).filter((l) => l.source === insight)).toEqual([expect.objectContaining({ message: 'archive skipped', reason: 'insight_archive' })])
  })

  it('reads a key that arrives percent-encoded', async () => {
    const h = harness({ SOURCE_PREFIX: 'ccc trail/' })
    const key = await putArchive(h.storage, [ccc('P1')], { prefix: 'ccc trail/' })
    const summary = await h.deliver({ key: key.replace('ccc trail/', 'ccc%20trail/') })
    expect(summary.outcomes).toEqual([expect.objectContaining({ key, status: 'written' })])
  })
})

describe('OSS trigger: what it refuses to read', () => {
  it('ignores a key under the destination prefix without reading it', async () => {
    const h = harness()
    const key = await putArchive(h.storage, [ccc('D1')], { prefix: DEST_PREFIX })
    const summary = await h.deliver({ key })
    expect(summary).toMatchObject({ objects: 1, ignored: 1, written: 0 })
    expect(summary.outcomes[0]).toMatchObject({ status: 'ignored', reason: 'under_destination' })
    expect(server.requests.filter((r) => r.bucket === h.bucket && r.key === key && r.op !== 'PutObject')).toEqual([])
    expect(logged(h)).toContainEqual(expect.objectContaining({ level: 'info', reason: 'under_destination', source: key }))
  })

  it('refuses a key outside SOURCE_PREFIX, and a bucket that is not the source, with a warning', async () => {
    const h = harness()
    const outside = await putArchive(h.storage, [ccc('O1')], { prefix: 'elsewhere/' })
    const summary = await h.deliver({ key: outside })
    expect(summary.outcomes[0]).toMatchObject({ status: 'refused', reason: 'outside_source_prefix' })
    expect(server.requests.filter((r) => r.bucket === h.bucket && r.key === outside && r.op !== 'PutObject')).toEqual([])
    expect(logged(h)).toContainEqual(
      expect.objectContaining({ level: 'warn', reason: 'outside_source_prefix', source: outside, message: expect.stringContaining('SOURCE_PREFIX "trail/"') }),
    )
    const foreign = await handleOssEvent(h.deps, ossTriggerEvent([{ bucket: 'not-the-source', key: `${SOURCE_PREFIX}${outside}` }]))
    expect(foreign.outcomes[0]).toMatchObject({ status: 'refused', reason: 'bucket_not_configured' })
    expect(await h.destKeys()).toEqual([])
  })

  it('logs an invalid payload and succeeds, since a retry cannot fix it', async () => {
    const h = harness()
    const summary = await handleOssEvent(h.deps, Buffer.from('{"triggerTime":"2021-02-04T00:15:00Z","triggerName":"t","payload":""}'))
    expect(summary).toMatchObject({ objects: 0, invalidEvent: expect.stringContaining('no "events" array') })
    expect(logged(h)).toEqual([expect.objectContaining({ level: 'error', reason: 'invalid_event' })])
  })
})

describe('OSS trigger: failures', () => {
  it('throws a RetryableError when GetObject keeps answering 503, and the next delivery succeeds', async () => {
    const h = harness()
    const key = await putArchive(h.storage, [ccc('R1'), ccc('R2')], { prefix: SOURCE_PREFIX })
    server.inject({ bucket: h.bucket, op: 'GetObject', kind: '503', keyPrefix: key, times: 3 })
    const error = await h.deliver({ key }).then(
      () => expect.unreachable('expected a retryable failure'),
      (e: Error) => e,
    )
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain(`oss://${h.bucket}: GetObject "${key}" failed after 3 attempt(s): ServiceUnavailable`)
    expect(logged(h)).toContainEqual(expect.objectContaining({ level: 'error', source: key, retryable: true, reason: 'transient' }))
    expect(await h.destKeys()).toEqual([])
    const retried = await h.deliver({ key })
    expect(retried).toMatchObject({ written: 1, counts: { events: 2, rows: 2 } })
    expect((await h.rows()).map((r) => r.event_id)).toEqual(['R1', 'R2'])
  })

  it('quarantines a broken archive and succeeds', async () => {
    const h = harness()
    const key = await putArchive(h.storage, [ccc('Q1')], { prefix: SOURCE_PREFIX, body: Buffer.from('this is not gzip') })
    const summary = await h.deliver({ key })
    expect(summary).toMatchObject({ quarantined: 1, failed: 0, counts: { events: 1, rows: 0, quarantined: 1 } })
    expect(logged(h)).toContainEqual(expect.objectContaining({ level: 'warn', status: 'quarantined', reason: 'not_gzip', source: key }))
    expect((await h.destKeys()).some((k) => k.startsWith(`${DEST_PREFIX}_quarantine/`))).toBe(true)
  })

  it('reports wrong credentials with the bucket and the OSS error code, and throws', async () => {
    const h = harness()
    const key = await putArchive(h.storage, [ccc('W1')], { prefix: SOURCE_PREFIX })
    const wrong = ossStorage(h.bucket, 'wrong-secret-value')
    const deps: InvocationDeps = { ...h.deps, open: (spec) => ({ storage: wrong, prefix: spec.prefix, spec }) }
    const error = await handleOssEvent(deps, ossTriggerEvent([{ bucket: h.bucket, key }])).then(
      () => expect.unreachable('expected a refusal'),
      (e: Error) => e,
    )
    expect(error).toBeInstanceOf(AccessError)
    expect(error.message).toMatch(new RegExp(`^oss://${h.bucket}: HeadObject ".+" refused: SignatureDoesNotMatch`))
    expect(logged(h).find((l) => l.level === 'error')).toMatchObject({
      bucket: h.bucket,
      source: key,
      reason: 'access_refused:SignatureDoesNotMatch',
      message: expect.stringContaining(`oss://${h.bucket}`),
    })
    expectNoSecrets(h.lines)
    expect(h.lines.join('\n')).not.toContain('wrong-secret-value')
  })
})

describe('the exported FC handler', () => {
  it('runs with FC-style env and context: credentials from the context, one JSON line per archive on stdout', async () => {
    const bucket = `trail-bucket-${++bucketCount}`
    server.bucket(bucket)
    // Stubbed: restored after the test (unstubEnvs), since the next test file may run in this same process.
    const env = { SOURCE_BUCKET: bucket, SOURCE_PREFIX, DEST_PREFIX, OSS_ENDPOINT: server.endpoint, OSS_REGION: 'cn-shanghai', LOG_LEVEL: 'info' }
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value)
    const key = await putArchive(ossStorage(bucket), [ccc('H1'), ecs], { prefix: SOURCE_PREFIX })
    const event = Buffer.from(JSON.stringify(ossTriggerEvent([{ bucket, key }])))
    const context = {
      requestId: 'fc-request-1',
      region: 'cn-shanghai',
      accountId: '1234567890123456',
      credentials: { accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRET, securityToken: TOKEN },
      function: { name: 'ccc-trail-oss-trigger' },
    }
    const lines: string[] = []
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      return true
    })
    try {
      const summary = await handler(event, context)
      expect(summary).toMatchObject({ written: 1, counts: { events: 2, rows: 1, nonCcc: 1, quarantined: 0 } })
      const rotated = { ...context, requestId: 'fc-request-2', credentials: { ...context.credentials, accessKeySecret: 'rotated-but-wrong-secret' } }
      await expect(handler(event, rotated)).rejects.toThrow(/SignatureDoesNotMatch/)
    } finally {
      write.mockRestore()
    }
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(parsed).toContainEqual(
      expect.objectContaining({
        requestId: 'fc-request-1',
        function: 'ccc-trail-oss-trigger',
        status: 'written',
        source: key,
        events: 2,
        rows: 1,
        nonCcc: 1,
        quarantined: 0,
      }),
    )
    expect(parsed).toContainEqual(expect.objectContaining({ requestId: 'fc-request-2', level: 'error', reason: 'access_refused:SignatureDoesNotMatch' }))
    expectNoSecrets(lines)
    expect(lines.join('\n')).not.toContain('rotated-but-wrong-secret')
  })
})

describe('OSS trigger: no archive wedges the trigger', () => {
  const events = [ccc('P1'), ccc('P2', 'ListUsers'), ecs]
  const list = events.map((e) => JSON.stringify(e)).join(',')

  it.each([
    ['trailing bytes after the array', gzipSync(`[${list}] garbage`), 'quarantined', 'trailing_bytes'],
    [
      'an event nested 5,000 arrays deep',
      gzipSync(`[${list.replace('"eventType"', `"deep":${'['.repeat(5000)}${']'.repeat(5000)},"eventType"`)}]`),
      'written',
      'event_too_deep',
    ],
    ['a body that is not a JSON list', gzipSync('Z]'), 'quarantined', 'unknown_body_format'],
  ])('%s: the delivery returns normally (%s, %s)', async (_, body, status, reason) => {
    const h = harness()
    const key = await putArchive(h.storage, [], { prefix: SOURCE_PREFIX, body, eventCount: 3 })
    const summary = await h.deliver({ key })
    expect(summary.outcomes).toEqual([expect.objectContaining({ key, status, reason })])
    expect(summary).toMatchObject({ failed: 0, counts: { events: 3 } })
    const { events: n, rows, nonCcc, quarantined } = summary.counts
    expect(rows + nonCcc + quarantined).toBe(n)
    expect((await h.deliver({ key })).outcomes[0]).toMatchObject({ status: 'already_done' })
  })

  it(
    `any fuzzed archive: the delivery returns normally, accounted, and a second delivery is already done (seed ${FUZZ.seed})`,
    async () => {
      const triggerFuzz = FUZZ.counted('oss-trigger', async (spec: ArchiveSpec) => {
        const h = harness()
        const key = await putArchive(h.storage, [], { prefix: SOURCE_PREFIX, body: archiveBytes(spec), eventCount: spec.events.length })
        const summary = await h.deliver({ key })
        expect(summary.failed).toBe(0)
        expect(['written', 'quarantined']).toContain(summary.outcomes[0].status)
        const { events: n, rows, nonCcc, quarantined } = summary.counts
        expect(rows + nonCcc + quarantined).toBe(n)
        expect((await h.deliver({ key })).outcomes[0]).toMatchObject({ status: 'already_done' })
      })
      await fc.assert(fc.asyncProperty(archiveSpec, triggerFuzz.check), FUZZ.parameters(25))
      triggerFuzz.report()
    },
    FUZZ.testTimeout,
  )
})
