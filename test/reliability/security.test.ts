import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { AccessError, PermanentError, RetryableError } from '../../lib/errors.js'
import { processArchive } from '../../lib/pipeline.js'
import { type Outcome, processArchives } from '../../lib/run-archives.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import { OssStorage } from '../../lib/storage/oss.js'
import { readAll } from '../../lib/storage/read.js'
import { resetFaultsAfterEach } from '../support/oss-fixture.js'
import { type OssServer, startOssServer } from '../support/oss-server.js'
import { testPipeline } from '../support/pipeline.js'
import { tempDir } from '../support/temp.js'
import { captureLog, cccEvent, expectAccountedExactly, keysUnder, tableIds } from './harness.js'

const ACCESS_KEY_ID = 'LTAI5tSecurityTestKey'
const SECRET = 'the-real-secret-Vb93kLq'
const WRONG_SECRET = 'a-wrong-secret-Mn27xPw'
const TOKEN = 'CAIS-security-token-Hd82Jq'

/** Every way an error or a log line could be shown: message, stack, JSON, util.inspect with causes. */
function everyRendering(value: unknown): string {
  return [String(value), (value as Error)?.stack ?? '', JSON.stringify(value) ?? '', inspect(value, { depth: 8, showHidden: true })].join('\n')
}

function expectNoCredentials(text: string): void {
  for (const secret of [SECRET, WRONG_SECRET, TOKEN]) expect(text).not.toContain(secret)
}

describe('credentials never reach logs or errors', () => {
  let server: OssServer
  let buckets = 0
  beforeAll(async () => {
    server = await startOssServer({ accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRET, securityToken: TOKEN })
  })
  afterAll(() => server.close())
  resetFaultsAfterEach(() => server)

  async function ossPipeline(secret: string) {
    const bucket = `security-${++buckets}`
    server.bucket(bucket)
    const good = new OssStorage({
      bucket,
      endpoint: server.endpoint,
      accessKeyId: ACCESS_KEY_ID,
      accessKeySecret: SECRET,
      securityToken: TOKEN,
      retryBaseMs: 1,
    })
    const key = await putArchive(good, [cccEvent('s1')], { prefix: 'trail/' })
    const storage = new OssStorage({
      bucket,
      endpoint: server.endpoint,
      accessKeyId: ACCESS_KEY_ID,
      accessKeySecret: secret,
      securityToken: TOKEN,
      retryBaseMs: 1,
    })
    const { log, text } = captureLog()
    const pipeline = await testPipeline({ source: storage, dest: storage, destPrefix: 'lake/', log })
    return { pipeline, key, text, good }
  }

  it('a wrong secret: AccessError naming SignatureDoesNotMatch, not retryable, nothing written, no secret or token anywhere', async () => {
    const { pipeline, key, text, good } = await ossPipeline(WRONG_SECRET)
    const error = await processArchive(pipeline, key).then(
      () => expect.unreachable(),
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AccessError)
    expect((error as AccessError).code).toBe('SignatureDoesNotMatch')
    expectNoCredentials(everyRendering(error))
    const outcomes: Outcome[] = []
    const summary = await processArchives(pipeline, [key], { onOutcome: (o) => outcomes.push(o) })
    expect(summary).toMatchObject({ failed: 1, written: 0 })
    expect(outcomes[0]).toMatchObject({ status: 'failed', retryable: false, message: expect.stringContaining('SignatureDoesNotMatch') })
    expect(text.some((line) => line.includes('SignatureDoesNotMatch'))).toBe(true)
    expectNoCredentials(text.join('\n') + everyRendering(outcomes))
    // The server's answer echoes the string it signed (with the token header): it must not leak through.
    expect(server.requests.some((r) => r.status === 403)).toBe(true)
    expect(await keysUnder(good, 'lake/')).toEqual([])
  })

  it('an expired security token: RetryableError (the next invocation gets fresh credentials), no token anywhere', async () => {
    const { pipeline, key, text } = await ossPipeline(SECRET)
    server.expireSecurityToken()
    const error = await processArchive(pipeline, key).then(
      () => expect.unreachable(),
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(RetryableError)
    expect((error as Error).message).toContain('SecurityTokenExpired')
    const outcomes: Outcome[] = []
    await processArchives(pipeline, [key], { onOutcome: (o) => outcomes.push(o) })
    expect(outcomes[0]).toMatchObject({ status: 'failed', retryable: true })
    expectNoCredentials(everyRendering(error) + text.join('\n') + everyRendering(outcomes))
  })

  it('the structured logger redacts fields that look like credentials', () => {
    const { log, text } = captureLog()
    log.error('configuration dump', { accessKeySecret: SECRET, securityToken: TOKEN, credentials: { note: 'kept' }, password: WRONG_SECRET })
    expectNoCredentials(text.join('\n'))
    expect(text[0]).toContain('[redacted]')
  })
})

describe('nothing is written outside the destination folder', () => {
  /** Every file under `root`, relative to it. */
  async function walk(root: string, dir = root): Promise<string[]> {
    const found: string[] = []
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) found.push(...(await walk(root, file)))
      else found.push(path.relative(root, file))
    }
    return found
  }

  async function folders() {
    const parent = await tempDir('ccc-parent')
    const source = new FsStorage(path.join(parent, 'source'))
    const dest = new FsStorage(path.join(parent, 'lake'))
    return { parent, source, dest }
  }

  it('hostile event names: every file lands under the destination', async () => {
    const { parent, source, dest } = await folders()
    const names = ['../../escaped', '../../../../../../tmp/escaped', '/etc/passwd', '..', '.', 'a/../../b', '..\\..\\win', '%2e%2e%2f', 'x\u0000y']
    const key = await putArchive(
      source,
      names.map((name, i) => cccEvent(`h${i}`, { eventName: name })),
    )
    const { log } = captureLog()
    const pipeline = await testPipeline({ source, dest, log })
    const result = await processArchive(pipeline, key)
    expect(result).toMatchObject({ status: 'written', files: names.length })
    const files = await walk(parent)
    expect(files.filter((f) => !f.startsWith('lake' + path.sep) && !f.startsWith('source' + path.sep))).toEqual([])
    expect(files.filter((f) => f.startsWith('lake' + path.sep + 'dt='))).toHaveLength(names.length)
    expectAccountedExactly(
      [result],
      await tableIds(path.join(parent, 'lake')),
      names.map((_, i) => `h${i}`),
    )
  })

  it('FsStorage refuses keys that climb out of its folder, for every operation', async () => {
    const { parent, dest } = await folders()
    await dest.put('inside/ok.json', '{}')
    for (const key of ['../escaped', 'a/../../escaped', 'inside/../../escaped', '/etc/passwd', '..', '']) {
      await expect(dest.put(key, 'x'), key).rejects.toBeInstanceOf(PermanentError)
      await expect(dest.get(key), key).rejects.toBeInstanceOf(PermanentError)
      await expect(dest.head(key), key).rejects.toBeInstanceOf(PermanentError)
      await expect(dest.delete(key), key).rejects.toBeInstanceOf(PermanentError)
    }
    await expect(dest.list('../')).rejects.toBeInstanceOf(PermanentError)
    expect(await walk(parent)).toEqual([path.join('lake', 'inside', 'ok.json')])
  })

  it('a source key with dot segments is not taken for an archive: skipped before anything is written', async () => {
    const parent = await tempDir('ccc-parent')
    const source = new MemoryStorage() // object stores take such keys literally
    const dest = new FsStorage(path.join(parent, 'lake'))
    const good = await putArchive(source, [cccEvent('k1')])
    const pipeline = await testPipeline({ source, dest })
    for (const hostile of [`x/../../../../${good}`, `trail/./${good}`, `trail/sub/../${good}`]) {
      await source.put(hostile, await readAll(source, good))
      expect(await processArchive(pipeline, hostile)).toMatchObject({ status: 'skipped', reason: 'not_an_archive' })
    }
    expect(await walk(parent)).toEqual([])
  })
})
