import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { RetryableError } from '../../lib/errors.js'
import { readManifest } from '../../lib/ledger/manifest.js'
import { type ArchiveResult, processArchive } from '../../lib/pipeline.js'
import { localTable } from '../../lib/query/local-table.js'
import { type Outcome, processArchives } from '../../lib/run-archives.js'
import { listArchiveTree } from '../../lib/source/list-archives.js'
import { OssStorage } from '../../lib/storage/oss.js'
import { resetFaultsAfterEach } from '../support/oss-fixture.js'
import { type Fault, type FaultKind, type OssOperation, type OssServer, startOssServer } from '../support/oss-server.js'
import { testPipeline } from '../support/pipeline.js'
import { tempDir } from '../support/temp.js'
import { captureLog, cccEvent, dataFiles, ecsEvent, expectAccountedExactly, idsOf, manifests, quarantineKeys, sorted, tableIds } from './harness.js'

/**
 * OSS faults on read, write and list, through the real ali-oss client against the OSS-protocol test
 * server. A fault is either retried away inside the storage driver, or surfaces as RetryableError
 * (FC retries the invocation) with no manifest written; the next attempt writes the same rows to the
 * same file names.
 */

const CREDENTIALS = { accessKeyId: 'LTAI5tReliabilityKey', accessKeySecret: 'reliability-secret-Zq81', securityToken: 'sts-token-reliability-77' }
const SOURCE = 'trail/'
const DEST = 'lake/ccc_events/'
const RETRIES = 2

// Three partitions, written in this order, plus one non-CCC event.
const EVENTS = [
  cccEvent('e1', { eventName: 'ListConfig' }),
  cccEvent('e2', { eventName: 'ListUsers' }),
  cccEvent('e3', { eventName: 'GetInstance' }),
  cccEvent('e4', { eventName: 'ListUsers', eventTime: '2021-02-03T04:12:00Z' }),
  ecsEvent('x1'),
]
const CCC_IDS = sorted(idsOf(EVENTS.slice(0, 4)))
const partitionOf = (name: string) => `${DEST}dt=2021-02-03/event_name=${name}/`

let server: OssServer
let buckets = 0
beforeAll(async () => {
  server = await startOssServer(CREDENTIALS)
})
afterAll(() => server.close())
resetFaultsAfterEach(() => server)

/** A bucket holding one archive under `trail/`, and a pipeline writing the table under `lake/` of the same bucket. */
async function ossScenario(events = EVENTS) {
  const bucket = `reliability-${++buckets}`
  server.bucket(bucket)
  const storage = new OssStorage({ bucket, endpoint: server.endpoint, ...CREDENTIALS, retries: RETRIES, retryBaseMs: 1, retryMaxMs: 5, timeoutMs: 800 })
  const { log, lines } = captureLog()
  const pipeline = await testPipeline({ source: storage, dest: storage, destPrefix: DEST, log })
  const key = await putArchive(storage, events, { prefix: SOURCE })
  const table = async () => tableIds(await localTable({ storage, prefix: DEST, spec: { kind: 'oss', bucket, prefix: DEST } }, await tempDir('ccc-mirror')))
  return { bucket, storage, pipeline, key, lines, table }
}

type Scenario = Awaited<ReturnType<typeof ossScenario>>

function injected(s: Scenario, op: OssOperation, kind: FaultKind): number {
  return server.requests.filter((r) => r.bucket === s.bucket && r.fault === kind && (r.op === op || (op === 'ListObjects' && r.op === 'ListObjectsV2'))).length
}

/** Committed exactly once: one manifest listing exactly the files present, the table holding each CCC event once. */
async function expectCommitted(s: Scenario, result: ArchiveResult): Promise<void> {
  expect(result).toMatchObject({ status: 'written', files: 3, counts: { events: 5, rows: 4, nonCcc: 1, quarantined: 0 } })
  const [manifestKey, ...more] = await manifests(s.storage, DEST)
  expect(more).toEqual([])
  const manifest = await readManifest(s.storage, manifestKey)
  expect(manifest).toMatchObject({ source: s.key, etag: result.etag, status: 'written' })
  expect(sorted(await dataFiles(s.storage, DEST))).toEqual(sorted(manifest.outputs.map((o) => o.key)))
  expectAccountedExactly([result], await s.table(), CCC_IDS)
}

/** Nothing committed: no manifest, no quarantine record; data files only under this archive's own names. */
async function expectNothingCommitted(s: Scenario, allowedFiles: string[] = []): Promise<void> {
  expect(await manifests(s.storage, DEST)).toEqual([])
  expect(await quarantineKeys(s.storage, DEST)).toEqual([])
  const files = await dataFiles(s.storage, DEST)
  expect(
    files.every((file) => allowedFiles.some((prefix) => file.startsWith(prefix))),
    files.join(', '),
  ).toBe(true)
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.unreachable('expected a failure'),
    (error: Error) => error,
  )
}

/** `hold`: an answer that never comes before the client's timeout, whatever the machine's speed. */
const TRANSIENT: FaultKind[] = ['503', 'SlowDown', 'reset', 'hold']
/** Faults in a row: the whole retry budget, except slow answers (each costs a timeout). */
const timesOf = (kind: FaultKind) => (kind === 'hold' ? 1 : RETRIES)
const WHERE: { op: OssOperation; keyPrefix: string; what: string }[] = [
  { op: 'HeadObject', keyPrefix: SOURCE, what: 'head of the archive' },
  { op: 'GetObject', keyPrefix: SOURCE, what: 'read of the archive' },
  { op: 'ListObjects', keyPrefix: DEST, what: 'list of earlier manifests' },
  { op: 'PutObject', keyPrefix: partitionOf('ListUsers'), what: 'write of a Parquet file' },
  { op: 'PutObject', keyPrefix: `${DEST}_ccc_trail/manifests/`, what: 'write of the manifest' },
]

describe('transient OSS faults within the retry budget are invisible', () => {
  for (const { op, keyPrefix, what } of WHERE) {
    for (const kind of TRANSIENT) {
      it(`${kind === 'hold' ? 'a timeout' : kind} on the ${what} (${op})`, async () => {
        const s = await ossScenario()
        const fault: Fault = { op, kind, keyPrefix, times: timesOf(kind) }
        server.inject({ ...fault, bucket: s.bucket })
        const result = await processArchive(s.pipeline, s.key)
        expect(injected(s, op, kind)).toBe(timesOf(kind))
        await expectCommitted(s, result)
      })
    }
  }
})

describe('faults beyond the retry budget throw RetryableError and commit nothing; the next attempt writes the same rows', () => {
  for (const { op, keyPrefix, what } of WHERE) {
    it(`503 on every try of the ${what} (${op})`, async () => {
      const s = await ossScenario()
      server.inject({ bucket: s.bucket, op, kind: '503', keyPrefix, times: RETRIES + 1 })
      const error = await failure(processArchive(s.pipeline, s.key))
      expect(error).toBeInstanceOf(RetryableError)
      expect(error.message).toMatch(
        new RegExp(`^oss://${s.bucket}: ${op === 'ListObjects' ? 'ListObjects' : op} ".+" failed after ${RETRIES + 1} attempt\\(s\\): ServiceUnavailable `),
      )
      // Files written beside a failed write stay (same names as the retry's, the parts are written in parallel); nothing else.
      const written =
        op === 'PutObject'
          ? [partitionOf('ListConfig'), partitionOf('GetInstance'), ...(keyPrefix.includes('manifests') ? [partitionOf('ListUsers')] : [])]
          : []
      await expectNothingCommitted(s, written)
      if (op !== 'PutObject') expect(await dataFiles(s.storage, DEST)).toEqual([])
      await expectCommitted(s, await processArchive(s.pipeline, s.key))
    })
  }

  for (const kind of ['truncate', 'stall'] as const) {
    it(`a body cut mid-stream (${kind}) is a retryable read failure, not a truncated archive`, async () => {
      const many = [...EVENTS, ...Array.from({ length: 300 }, (_, i) => cccEvent(`m${i}`))]
      const s = await ossScenario(many)
      server.inject({ bucket: s.bucket, op: 'GetObject', kind, keyPrefix: SOURCE })
      const error = await failure(processArchive(s.pipeline, s.key))
      expect(error).toBeInstanceOf(RetryableError)
      expect(error.message).toMatch(new RegExp(`^oss://${s.bucket}: GetObject ".+" interrupted: `))
      await expectNothingCommitted(s)
      expect(await dataFiles(s.storage, DEST)).toEqual([])
      const result = await processArchive(s.pipeline, s.key)
      expect(result).toMatchObject({ status: 'written', counts: { events: 305, rows: 304, nonCcc: 1, quarantined: 0 } })
      expectAccountedExactly([result], await s.table(), idsOf(many.filter((e) => e.serviceName === 'CloudCallCenter')))
    })
  }

  it('a failed write of the quarantine record commits nothing; the retry writes the record and the rows once', async () => {
    const s = await ossScenario([...EVENTS, cccEvent('no-time', { eventTime: undefined })])
    server.inject({ bucket: s.bucket, op: 'PutObject', kind: 'SlowDown', keyPrefix: `${DEST}_quarantine/`, times: RETRIES + 1 })
    expect(await failure(processArchive(s.pipeline, s.key))).toBeInstanceOf(RetryableError)
    await expectNothingCommitted(s, [DEST])
    const result = await processArchive(s.pipeline, s.key)
    expect(result).toMatchObject({ status: 'written', counts: { events: 6, rows: 4, nonCcc: 1, quarantined: 1 } })
    expect(await quarantineKeys(s.storage, DEST)).toEqual([`${DEST}_quarantine/${s.key}@${result.etag}.json`])
    expectAccountedExactly([result], await s.table(), CCC_IDS)
  })

  it('through processArchives: reported as a retryable failure with an error log line, the other archives written', async () => {
    const s = await ossScenario()
    const second = await putArchive(s.storage, [cccEvent('other-1')], { prefix: SOURCE, deliveredAt: new Date('2021-02-03T04:25:00Z') })
    server.inject({ bucket: s.bucket, op: 'GetObject', kind: '503', keyPrefix: s.key, times: RETRIES + 1 })
    const outcomes: Outcome[] = []
    const summary = await processArchives(s.pipeline, [s.key, second], { concurrency: 1, onOutcome: (o) => outcomes.push(o) })
    expect(summary).toMatchObject({ archives: 2, written: 1, failed: 1 })
    expect(outcomes[0]).toMatchObject({ key: s.key, status: 'failed', retryable: true, message: expect.stringMatching(/ServiceUnavailable/) })
    expect(s.lines.find((line) => line.level === 'error')).toMatchObject({
      message: `archive failed: ${(outcomes[0] as { message: string }).message}`,
      source: s.key,
      retryable: true,
    })
    expectAccountedExactly([outcomes[1] as ArchiveResult, summary], await s.table(), ['other-1'])
    const retry = await processArchive(s.pipeline, s.key)
    expect(retry.status).toBe('written')
    expectAccountedExactly([retry], await s.table(), [...CCC_IDS, 'other-1'])
  })
})

describe('listing the source', () => {
  const listed = (s: Scenario) =>
    (async function* () {
      for await (const item of listArchiveTree(s.storage, SOURCE)) if (item.kind === 'archive') yield item.key
    })()

  for (const kind of TRANSIENT) {
    it(`${kind === 'hold' ? 'a timeout' : kind} on the source listing is retried away`, async () => {
      const s = await ossScenario()
      server.inject({ bucket: s.bucket, op: 'ListObjects', kind, keyPrefix: SOURCE, times: timesOf(kind) })
      const summary = await processArchives(s.pipeline, listed(s))
      expect(injected(s, 'ListObjects', kind)).toBe(timesOf(kind))
      expect(summary).toMatchObject({ archives: 1, written: 1, failed: 0 })
      expectAccountedExactly([summary], await s.table(), CCC_IDS)
    })
  }

  it('a listing that keeps failing throws RetryableError before anything is written', async () => {
    const s = await ossScenario()
    server.inject({ bucket: s.bucket, op: 'ListObjects', kind: 'reset', keyPrefix: SOURCE, times: RETRIES + 1 })
    expect(await failure(processArchives(s.pipeline, listed(s)))).toBeInstanceOf(RetryableError)
    await expectNothingCommitted(s)
    expect(await dataFiles(s.storage, DEST)).toEqual([])
    const summary = await processArchives(s.pipeline, listed(s))
    expect(summary).toMatchObject({ archives: 1, written: 1, failed: 0 })
    expectAccountedExactly([summary], await s.table(), CCC_IDS)
  })
})
