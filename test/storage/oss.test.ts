import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessError, ConfigError, ExclusiveCreateUnsupportedError, NotFoundError, RetryableError } from '../../lib/errors.js'
import { sinkLogger } from '../../lib/log.js'
import { createOssStorage, OssStorage, type OssStorageOptions } from '../../lib/storage/oss.js'
import { readAll } from '../../lib/storage/read.js'
import { resetFaultsAfterEach } from '../support/oss-fixture.js'
import { type Fault, type OssServer, startOssServer } from '../support/oss-server.js'
import { storageContract } from './contract.js'

const ACCESS_KEY_ID = 'LTAI5tTestAccessKeyId'
const SECRET = 'sEcReT-9f3kQz7Lw2'
const TOKEN = 'CAIS-sts-token-Xy81mN4q'

let server: OssServer
let bucketCount = 0

beforeAll(async () => {
  server = await startOssServer({ accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRET, securityToken: TOKEN })
})
afterAll(() => server.close())
resetFaultsAfterEach(() => server)

function freshBucket(): string {
  const name = `bucket-${++bucketCount}`
  server.bucket(name)
  return name
}

function oss(overrides: Partial<OssStorageOptions> = {}, target = server): OssStorage {
  return new OssStorage({
    bucket: overrides.bucket ?? freshBucket(),
    endpoint: target.endpoint,
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: SECRET,
    securityToken: TOKEN,
    retryBaseMs: 5,
    timeoutMs: 2_000,
    ...overrides,
  })
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.unreachable('expected a failure'),
    (error: Error) => error,
  )
}

function expectNoSecrets(error: Error): void {
  for (const text of [error.message, String(error.stack), JSON.stringify(error), inspect(error, { depth: 5 })]) {
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain(TOKEN)
  }
}

storageContract('oss', async () => oss())

describe('oss storage: refusals', () => {
  it('reports missing keys as NotFoundError naming the location', async () => {
    const storage = oss()
    const error = await failure(storage.get('nope'))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.message).toBe(`${storage.description}: no such object "nope"`)
  })

  it('reports a wrong secret as AccessError naming the bucket and SignatureDoesNotMatch', async () => {
    const storage = oss({ bucket: freshBucket(), accessKeySecret: 'wrong-secret-value' })
    for (const attempt of [storage.get('a/key'), storage.put('a/key', 'x'), storage.list('a/'), storage.head('a/key')]) {
      const error = await failure(attempt)
      expect(error).toBeInstanceOf(AccessError)
      expect(error.message).toContain(storage.description)
      expect(error.message).toContain('SignatureDoesNotMatch')
      expect((error as AccessError).code).toBe('SignatureDoesNotMatch')
    }
  })

  it('reports an unknown access key id as InvalidAccessKeyId', async () => {
    const storage = oss({ accessKeyId: 'LTAI5tUnknownKey' })
    const error = await failure(storage.get('some/key'))
    expect(error).toBeInstanceOf(AccessError)
    expect(error.message).toMatch(
      /^oss:\/\/bucket-\d+: GetObject "some\/key" refused: InvalidAccessKeyId \(The OSS Access Key Id you provided does not exist in our records\.\)/,
    )
  })

  it('reports a missing bucket as AccessError, also on head', async () => {
    const storage = oss({ bucket: 'no-such-bucket' })
    for (const attempt of [storage.get('k'), storage.head('k'), storage.list('')]) {
      const error = await failure(attempt)
      expect(error).toBeInstanceOf(AccessError)
      expect(error.message).toContain('oss://no-such-bucket')
      expect(error.message).toContain('NoSuchBucket')
    }
  })

  it('keeps the secret and the security token out of errors, even when OSS echoes them', async () => {
    // OSS echoes the string to sign (which holds the token) and the token itself in these answers.
    const wrongSecret = await failure(oss({ accessKeySecret: `${SECRET}x` }).get('k'))
    const wrongToken = await failure(oss({ securityToken: `${TOKEN}x` }).get('k'))
    const wrongSecretHead = await failure(oss({ accessKeySecret: `${SECRET}x` }).head('k'))
    for (const error of [wrongSecret, wrongToken, wrongSecretHead]) {
      expect(error).toBeInstanceOf(AccessError)
      expectNoSecrets(error)
    }
    expect(wrongToken.message).toContain('InvalidSecurityToken')
    const shown = inspect(oss(), { depth: 10, showHidden: true }) + JSON.stringify(oss())
    expect(shown).not.toContain(SECRET)
    expect(shown).not.toContain(TOKEN)
  })

  it('reports expired STS credentials as retryable, without retrying them itself', async () => {
    const own = await startOssServer({ accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRET, securityToken: TOKEN, buckets: ['expiring'] })
    try {
      own.expireSecurityToken()
      const error = await failure(oss({ bucket: 'expiring' }, own).get('k'))
      expect(error).toBeInstanceOf(RetryableError)
      expect(error.message).toContain('SecurityTokenExpired')
      expectNoSecrets(error)
      expect(own.requests).toHaveLength(1)
    } finally {
      await own.close()
    }
  })
})

describe('oss storage: transient faults', () => {
  const cases: [Fault['op'], Fault['kind']][] = [
    ['GetObject', '503'],
    ['GetObject', 'SlowDown'],
    ['PutObject', '503'],
    ['PutObject', 'SlowDown'],
    ['ListObjects', '503'],
    ['ListObjects', 'SlowDown'],
    ['HeadObject', '503'],
    ['DeleteObject', 'SlowDown'],
  ]

  it.each(cases)('retries %s after one %s transparently', async (op, kind) => {
    const storage = oss()
    await storage.put('f/key', 'payload')
    server.inject({ op, kind, keyPrefix: 'f/' })
    const before = server.requests.length
    if (op === 'GetObject') expect((await readAll(storage, 'f/key')).toString()).toBe('payload')
    if (op === 'PutObject') expect((await storage.put('f/key', 'new')).size).toBe(3)
    if (op === 'ListObjects') expect((await storage.list('f/')).objects.map((o) => o.key)).toEqual(['f/key'])
    if (op === 'HeadObject') expect(await storage.head('f/key')).toMatchObject({ size: 7 })
    if (op === 'DeleteObject') await storage.delete('f/key')
    const seen = server.requests.slice(before).map((r) => [r.status, r.fault])
    expect(seen).toEqual([
      [503, kind],
      [op === 'DeleteObject' ? 204 : 200, undefined],
    ])
  })

  it('gives up with RetryableError when 503s outlast the retries', async () => {
    const storage = oss({ retries: 2 })
    server.inject({ op: 'GetObject', kind: '503', keyPrefix: 'busy/', times: 3 })
    const error = await failure(storage.get('busy/key'))
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toMatch(/GetObject "busy\/key" failed after 3 attempt\(s\): ServiceUnavailable/)
    expect(server.requests.filter((r) => r.key === 'busy/key')).toHaveLength(3)
  })

  it('retries a connection reset on get', async () => {
    const storage = oss()
    await storage.put('r/key', 'after reset')
    server.inject({ op: 'GetObject', kind: 'reset', keyPrefix: 'r/' })
    expect((await readAll(storage, 'r/key')).toString()).toBe('after reset')
  })

  it('gives up on resets with RetryableError', async () => {
    const storage = oss({ retries: 1 })
    server.inject({ op: 'PutObject', kind: 'reset', keyPrefix: 'rr/', times: 2 })
    const error = await failure(storage.put('rr/key', 'x'))
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('PutObject "rr/key" failed after 2 attempt(s)')
  })

  it('surfaces a reset in the middle of a body as a RetryableError on the stream', async () => {
    const storage = oss()
    await storage.put('t/key', Buffer.alloc(64 * 1024, 7))
    server.inject({ op: 'GetObject', kind: 'truncate', keyPrefix: 't/' })
    const error = await failure(readAll(storage, 't/key'))
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('GetObject "t/key" interrupted')
  })

  it('fails a body that stalls mid-stream instead of hanging', async () => {
    const storage = oss({ timeoutMs: 1_000 })
    await storage.put('stall/key', Buffer.alloc(64 * 1024, 1))
    server.inject({ op: 'GetObject', kind: 'stall', keyPrefix: 'stall/' })
    const error = await failure(readAll(storage, 'stall/key'))
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('interrupted: ETIMEDOUT (no data for 1000 ms)')
  })

  it('does not time out a body whose reader is slow', async () => {
    const storage = oss({ timeoutMs: 1_000 })
    await storage.put('patient/key', Buffer.alloc(512 * 1024, 2))
    const stream = await storage.get('patient/key')
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    let size = 0
    for await (const chunk of stream) size += (chunk as Buffer).length
    expect(size).toBe(512 * 1024)
  })

  // `hold` never answers before the client gives up, however fast or slow the machine.
  it('retries an answer slower than the timeout', async () => {
    const storage = oss({ timeoutMs: 1_000 })
    await storage.put('slow/key', 'late')
    server.inject({ op: 'GetObject', kind: 'hold', keyPrefix: 'slow/' })
    expect((await readAll(storage, 'slow/key')).toString()).toBe('late')
  })

  it('gives up on answers that are always too slow with RetryableError', async () => {
    const storage = oss({ timeoutMs: 1_000, retries: 1 })
    server.inject({ op: 'ListObjects', kind: 'hold', keyPrefix: 'slower/', times: 2 })
    const error = await failure(storage.list('slower/'))
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('ResponseTimeoutError')
  })
})

describe('createOssStorage', () => {
  it('builds a working storage from the environment', async () => {
    const bucket = freshBucket()
    const storage = createOssStorage({ bucket, endpoint: server.endpoint, retryBaseMs: 5 }, undefined, {
      ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET,
      ALIBABA_CLOUD_SECURITY_TOKEN: TOKEN,
    })
    expect(storage.description).toBe(`oss://${bucket}`)
    await storage.put('k', 'v')
    expect(await storage.head('k')).toMatchObject({ key: 'k', size: 1 })
  })

  it('refuses a malformed bucket name at construction', () => {
    expect(() => oss({ bucket: 'Bad_Bucket' })).toThrow(ConfigError)
    expect(() => oss({ bucket: 'Bad_Bucket' })).toThrow(/^bucket:/)
  })
})

describe('oss storage: streamed writes', () => {
  async function* chunks(count: number, size: number, failAt?: number): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < count; i++) {
      if (i === failAt) throw new Error('encoder failed')
      yield Buffer.alloc(size, i)
    }
  }
  const opsSince = (from: number) => server.requests.slice(from).map((r) => r.op)

  it('sends a body larger than a part as a multipart upload, one part per megabyte', async () => {
    const storage = oss()
    const before = server.requests.length
    const info = await storage.putStream('m/file.parquet', chunks(10, 300 * 1024))
    expect(opsSince(before)).toEqual(['InitiateMultipartUpload', 'UploadPart', 'UploadPart', 'UploadPart', 'CompleteMultipartUpload'])
    expect(info.size).toBe(10 * 300 * 1024)
    expect(info.etag).toMatch(/^[0-9A-F]{32}-3$/)
    const body = await readAll(storage, 'm/file.parquet')
    expect(body.length).toBe(info.size)
    expect(body[0]).toBe(0)
    expect(body.at(-1)).toBe(9)
  })

  it('sends a body smaller than a part as one PutObject', async () => {
    const storage = oss()
    const before = server.requests.length
    await storage.putStream('m/small', chunks(3, 1000))
    expect(opsSince(before)).toEqual(['PutObject'])
  })

  it('aborts the upload when the body fails, leaving no object and no pending upload', async () => {
    const storage = oss()
    const pending = server.pendingUploads()
    const before = server.requests.length
    await expect(storage.putStream('m/broken', chunks(10, 300 * 1024, 8))).rejects.toThrow('encoder failed')
    expect(opsSince(before)).toEqual(['InitiateMultipartUpload', 'UploadPart', 'UploadPart', 'AbortMultipartUpload'])
    expect(server.pendingUploads()).toBe(pending)
    expect(await storage.head('m/broken')).toBeUndefined()
  })

  it('retries a part that meets a transient fault, and the object is whole', async () => {
    const storage = oss()
    server.inject({ op: 'UploadPart', kind: '503', keyPrefix: 'm/retried' })
    const info = await storage.putStream('m/retried', chunks(8, 300 * 1024))
    expect((await readAll(storage, 'm/retried')).length).toBe(info.size)
    expect(server.requests.filter((r) => r.key === 'm/retried' && r.op === 'UploadPart').map((r) => r.status)).toEqual([503, 200, 200])
  })

  it('logs an abort the bucket refuses as an error naming the upload id, and still throws the upload failure', async () => {
    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = []
    const log = sinkLogger((level, message, context, fields) => lines.push({ level, message, fields: { ...context, ...fields } }))
    const storage = oss({ log })
    const pending = server.pendingUploads()
    server.inject({ op: 'AbortMultipartUpload', kind: 'AccessDenied', keyPrefix: 'm/denied' })
    await expect(storage.putStream('m/denied', chunks(10, 300 * 1024, 8))).rejects.toThrow('encoder failed')
    expect(server.pendingUploads()).toBe(pending + 1)
    expect(server.requests.filter((r) => r.key === 'm/denied').map((r) => [r.op, r.status])).toContainEqual(['AbortMultipartUpload', 403])
    expect(lines).toEqual([
      {
        level: 'error',
        message: expect.stringContaining('multipart upload not aborted'),
        fields: expect.objectContaining({
          key: 'm/denied',
          uploadId: expect.stringMatching(/\S/),
          reason: 'access_refused:AccessDenied',
          uploadError: 'encoder failed',
        }),
      },
    ])
    expect(lines[0]!.message).toContain('AbortMultipartUpload')
  })

  it('gives up with RetryableError and aborts when a part keeps failing', async () => {
    const storage = oss({ retries: 1 })
    const pending = server.pendingUploads()
    server.inject({ op: 'UploadPart', kind: '503', keyPrefix: 'm/down', times: 2 }) // both attempts of retries: 1
    const error = await failure(storage.putStream('m/down', chunks(8, 300 * 1024)))
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('UploadPart')
    expect(server.pendingUploads()).toBe(pending)
  })
})

describe('oss storage: putIfAbsent', () => {
  it('sends x-oss-forbid-overwrite and reads the 409 FileAlreadyExists as "exists"', async () => {
    const storage = oss()
    expect(await storage.putIfAbsent('lease.json', 'a')).toBeDefined()
    expect(await storage.putIfAbsent('lease.json', 'b')).toBeUndefined()
    const puts = server.requests.filter((r) => r.op === 'PutObject' && r.key === 'lease.json')
    expect(puts.map((r) => r.status)).toEqual([200, 409])
  })

  it('asks the bucket for its versioning once per driver', async () => {
    const storage = oss()
    const before = server.requests.filter((r) => r.op === 'GetBucketVersioning').length
    await storage.putIfAbsent('a', 'a')
    await storage.putIfAbsent('b', 'b')
    expect(server.requests.filter((r) => r.op === 'GetBucketVersioning').length - before).toBe(1)
  })

  it.each(['Enabled', 'Suspended'] as const)('refuses a bucket with versioning %s, naming it and why, and writes nothing', async (status) => {
    const bucket = freshBucket()
    server.setVersioning(bucket, status)
    const storage = oss({ bucket })
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await failure(storage.putIfAbsent('lease.json', 'a'))
      expect(error).toBeInstanceOf(ExclusiveCreateUnsupportedError)
      expect(error.message).toContain(`oss://${bucket} has versioning ${status}`)
      expect(error.message).toContain('x-oss-forbid-overwrite')
    }
    expect(await storage.head('lease.json')).toBeUndefined()
  })

  it('tries the versioning check again after a transient failure', async () => {
    const storage = oss({ retries: 0 })
    server.inject({ op: 'GetBucketVersioning', kind: '503' })
    expect(await failure(storage.putIfAbsent('k', 'v'))).toBeInstanceOf(RetryableError)
    expect(await storage.putIfAbsent('k', 'v')).toBeDefined()
  })
})

describe('oss storage: multi-object delete', () => {
  const deletes = (from: number) => server.requests.slice(from).filter((r) => r.op === 'DeleteMultipleObjects')

  it('deletes up to 1,000 keys a request, in quiet mode', async () => {
    const storage = oss()
    const bucket = storage.description.slice('oss://'.length)
    const keys = Array.from({ length: 1_001 }, (_, i) => `many/${String(i).padStart(4, '0')}.parquet`)
    for (const key of keys.slice(995)) await storage.put(key, 'x')
    const before = server.requests.length
    await storage.deleteMany(keys)
    expect(deletes(before).map((r) => [r.bucket, r.status])).toEqual([
      [bucket, 200],
      [bucket, 200],
    ])
    expect(server.requests.length - before).toBe(2)
    expect((await storage.list('many/')).objects).toEqual([])
  })

  it('sends nothing for no keys', async () => {
    const storage = oss()
    const before = server.requests.length
    await storage.deleteMany([])
    expect(server.requests.length).toBe(before)
  })

  it('retries a request that meets a transient fault', async () => {
    const storage = oss()
    await storage.put('r/a', 'x')
    server.inject({ op: 'DeleteMultipleObjects', kind: '503' })
    const before = server.requests.length
    await storage.deleteMany(['r/a', 'r/b'])
    expect(deletes(before).map((r) => [r.status, r.fault])).toEqual([
      [503, '503'],
      [200, undefined],
    ])
    expect(await storage.head('r/a')).toBeUndefined()
  })

  it('reports a refusal as AccessError naming the operation', async () => {
    const storage = oss({ accessKeySecret: 'wrong-secret-value' })
    const error = await failure(storage.deleteMany(['k']))
    expect(error).toBeInstanceOf(AccessError)
    expect(error.message).toContain('DeleteMultipleObjects')
  })
})
