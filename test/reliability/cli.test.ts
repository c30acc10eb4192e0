import { cp, readFile } from 'node:fs/promises'
import path from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import type { RunSummary } from '../../lib/run-archives.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { type CliRun, runCli } from '../support/cli.js'
import { queryTable } from '../support/duck.js'
import { type OssServer, startOssServer } from '../support/oss-server.js'
import { tempDir } from '../support/temp.js'
import {
  cccEvent,
  cccEvents,
  ecsEvent,
  expectAccountedExactly,
  idsOf,
  maskedAccountIdJson,
  quarantineKeys,
  quarantineRecords,
  type TestEvent,
  tableIds,
} from './harness.js'

/**
 * The CLI a user runs (`node bin/ccc-trail.js`, built by `npm run build`) over a folder mixing good
 * and broken archives: every good event exactly once, the rest quarantined with reasons, exit 0.
 */

interface JsonRun {
  code: number
  outcomes: Record<string, unknown>[]
  summary: RunSummary
  stderr: string
}

async function processJson(args: string[]): Promise<JsonRun> {
  const run: CliRun = await runCli(['process', ...args, '--json'])
  const lines = run.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
  const last = lines.pop() as { summary?: RunSummary } | undefined
  expect(last?.summary, run.stdout + run.stderr).toBeDefined()
  return { code: run.code, outcomes: lines, summary: last!.summary!, stderr: run.stderr }
}

/** The CCC event ids of the corpus's readable archives, read straight from the files (gunzip, JSON.parse). */
async function corpusCccIds(bucket: string, corpus: { keys: string[]; brokenArchives: string[]; cccEvents: number }): Promise<string[]> {
  const ids: string[] = []
  for (const key of corpus.keys.filter((k) => !corpus.brokenArchives.includes(k))) {
    const events = JSON.parse(gunzipSync(await readFile(path.join(bucket, key))).toString('utf8')) as TestEvent[]
    ids.push(...idsOf(events.filter((e) => e.serviceName === 'CloudCallCenter')))
  }
  expect(ids).toHaveLength(corpus.cccEvents)
  return ids
}

/** A folder of a generated corpus (two broken archives among them) plus hand-made bad inputs. */
async function mixedFolder() {
  const bucket = await tempDir('ccc-bucket')
  const storage = new FsStorage(bucket)
  const corpus = await generateCorpus(storage, { seed: 11, days: 1, archivesPerDay: 8, eventsPerArchive: 30, brokenArchives: 2 })
  const at = (minute: number) => new Date(`2021-02-01T23:${String(minute).padStart(2, '0')}:00Z`)
  const mismatch = cccEvents('mismatch', 3)
  const keys = {
    mismatch: await putArchive(storage, mismatch, { eventCount: 4, deliveredAt: at(1) }),
    empty: await putArchive(storage, [], { body: Buffer.alloc(0), eventCount: 2, deliveredAt: at(2) }),
    maskedNumber: await putArchive(storage, [], {
      body: gzipSync(`[${JSON.stringify(cccEvent('m-ok'))},${maskedAccountIdJson(cccEvent('m-bad'))}]`),
      eventCount: 2,
      deliveredAt: at(3),
    }),
    duplicate: await putArchive(storage, [cccEvent('dup'), cccEvent('dup'), ecsEvent('dup-ecs')], { deliveredAt: at(4) }),
  }
  await storage.put('AliyunLogs/Actiontrail-Insight/cn-shanghai/2021/02/01/Actiontrail-Insight_cn-shanghai_20210201230500_1002_1_9_ab.gz', gzipSync('[]'))
  await storage.put('AliyunLogs/Actiontrail/cn-shanghai/2021/02/01/notes.txt', 'not an archive')
  // CCC events that belong in the table: the corpus's readable ones, m-ok and one dup.
  const expectedIds = [...(await corpusCccIds(bucket, corpus)), 'm-ok', 'dup']
  return { bucket, corpus, keys, mismatch, expectedIds }
}

async function processFolder() {
  const folder = await mixedFolder()
  const lake = await tempDir('ccc-lake')
  const first = await processJson(['--source', folder.bucket, '--dest', lake, '--concurrency', '3'])
  expect(first.code, first.stderr).toBe(0)
  return { folder, lake, first }
}

let processed: ReturnType<typeof processFolder> | undefined

/** The mixed folder, processed once by the CLI per file; each test starts from its own copy of that lake. */
async function processedOnce() {
  processed ??= processFolder()
  const { folder, lake, first } = await processed
  const copy = await tempDir('ccc-lake')
  await cp(lake, copy, { recursive: true, preserveTimestamps: true })
  return { folder, lake: copy, first }
}

describe('ccc-trail process over a folder of good and broken archives', () => {
  it('writes every good event exactly once, quarantines the rest with reasons, exits 0', async () => {
    const { folder, lake, first } = await processedOnce()
    const { corpus, keys } = folder
    expect(first.code, first.stderr).toBe(0)
    const archives = corpus.archives + 4
    expect(first.summary).toMatchObject({ archives: archives + 2, written: archives - 4, quarantined: 4, skipped: 2, failed: 0 })
    const { counts } = first.summary
    expect(counts.rows).toBe(folder.expectedIds.length)
    expect(counts.events).toBe(corpus.events + 4 + 2 + 2 + 3)
    expectAccountedExactly([first.summary, ...(first.outcomes as { counts: RunSummary['counts'] }[])], await tableIds(lake), folder.expectedIds)

    const reasons = Object.fromEntries((await quarantineRecords(new FsStorage(lake))).map((r) => [r.source, [r.scope, r.reason]]))
    expect(reasons).toEqual({
      [corpus.brokenArchives[0]]: ['archive', 'truncated_gzip'],
      [corpus.brokenArchives[1]]: ['archive', 'not_gzip'],
      [keys.mismatch]: ['archive', 'event_count_mismatch'],
      [keys.empty]: ['archive', 'empty_object'],
      [keys.maskedNumber]: ['events', 'event_invalid_json'],
      [keys.duplicate]: ['events', 'duplicate_event_id'],
    })
    expect(first.outcomes.find((o) => o.key === keys.mismatch)).toMatchObject({
      status: 'quarantined',
      reason: 'event_count_mismatch',
      message: 'the key says 4 events, the archive holds 3',
    })
    const skipped = first.outcomes.filter((o) => o.status === 'skipped').map((o) => o.reason)
    expect(skipped.sort()).toEqual(['insight_archive', 'not_an_archive'])
  })

  it('a second run changes nothing: all already done, the same rows', async () => {
    const { folder, lake, first } = await processedOnce()
    const again = await processJson(['--source', folder.bucket, '--dest', lake])
    expect(again.code).toBe(0)
    expect(again.summary).toMatchObject({
      archives: first.summary.archives,
      alreadyDone: first.summary.archives - 2,
      skipped: 2,
      written: 0,
      quarantined: 0,
      failed: 0,
    })
    expectAccountedExactly([again.summary], await tableIds(lake), folder.expectedIds)
  })

  it('replay: --replay-quarantine --accept-count-mismatch moves the mismatched archive into the table and drops its record', async () => {
    const { folder, lake } = await processedOnce()
    const storage = new FsStorage(lake)
    const before = await quarantineKeys(storage)
    const strict = await processJson(['--source', folder.bucket, '--dest', lake, '--replay-quarantine'])
    expect(strict.code).toBe(0)
    expect(strict.outcomes.find((o) => o.key === folder.keys.mismatch)).toMatchObject({ status: 'quarantined', reason: 'event_count_mismatch' })
    expect(await quarantineKeys(storage)).toEqual(before)

    const replay = await processJson(['--source', folder.bucket, '--dest', lake, '--replay-quarantine', '--accept-count-mismatch'])
    expect(replay.code).toBe(0)
    expect(replay.summary.archives).toBe(6)
    expect(replay.outcomes.find((o) => o.key === folder.keys.mismatch)).toMatchObject({ status: 'written', counts: { events: 3, rows: 3, quarantined: 0 } })
    const after = await quarantineKeys(storage)
    expect(after).toEqual(before.filter((key) => !key.includes(folder.keys.mismatch)))
    expect(after).toHaveLength(5)
    const ids = [...folder.expectedIds, ...idsOf(folder.mismatch)]
    expectAccountedExactly([replay.summary], await tableIds(lake), ids)
    const mismatchRows = await queryTable(lake, `SELECT event_id FROM ccc_events WHERE source_object = '${folder.keys.mismatch}' ORDER BY 1`)
    expect(mismatchRows.map((r) => r.event_id)).toEqual(['mismatch-0', 'mismatch-1', 'mismatch-2'])
    // Replaying again no longer touches it.
    const next = await processJson(['--source', folder.bucket, '--dest', lake, '--replay-quarantine', '--accept-count-mismatch'])
    expect(next.summary.archives).toBe(5)
    expectAccountedExactly([next.summary], await tableIds(lake), ids)
  })
})

describe('ccc-trail process with wrong OSS credentials', () => {
  const credentials = { accessKeyId: 'LTAI5tCliSecurityKey', accessKeySecret: 'cli-real-secret-Rt55', securityToken: 'cli-sts-token-Wq19' }
  const WRONG = 'cli-wrong-secret-Kz40'
  let server: OssServer
  beforeAll(async () => {
    server = await startOssServer({ ...credentials, buckets: ['cli-security'] })
  })
  afterAll(() => server.close())

  it('fails with the OSS error code, and neither the secret nor the token appears on stdout or stderr', async () => {
    const run = await runCli(['process', '--source', 'oss://cli-security/trail', '--dest', 'oss://cli-security/lake', '--verbose'], {
      env: {
        OSS_ENDPOINT: server.endpoint,
        ALIBABA_CLOUD_ACCESS_KEY_ID: credentials.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: WRONG,
        ALIBABA_CLOUD_SECURITY_TOKEN: credentials.securityToken,
      },
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('SignatureDoesNotMatch')
    for (const secret of [WRONG, credentials.accessKeySecret, credentials.securityToken]) {
      expect(run.stdout).not.toContain(secret)
      expect(run.stderr).not.toContain(secret)
    }
  })
})
