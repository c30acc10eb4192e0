import { connect } from 'node:net'
import OSS from 'ali-oss'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resetFaultsAfterEach } from './oss-fixture.js'
import { type OssServer, startOssServer } from './oss-server.js'
import { canonicalString, signatureOf } from './oss-server-auth.js'

// The server is test support for lib/storage/oss.ts; checking it with the real client is the point.
const ACCESS_KEY_ID = 'LTAI5tServerTest'
const SECRET = 'server-test-secret'
const BUCKET = 'server-test'

let server: OssServer
let client: OSS

beforeAll(async () => {
  server = await startOssServer({ accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRET, buckets: [BUCKET] })
  client = ossClient()
})
afterAll(() => server.close())
resetFaultsAfterEach(() => server)

function ossClient(overrides: Partial<OSS.Options> = {}): OSS {
  return new OSS({ bucket: BUCKET, endpoint: server.endpoint, accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRET, ...overrides })
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; status?: number; requestId?: string; name: string }> {
  return promise.then(
    () => expect.unreachable('expected a failure'),
    (error) => error,
  )
}

/** One raw HTTP/1.1 exchange, signed like ali-oss signs, returning the exact bytes the server sent. */
async function rawExchange(method: string, path: string, host: string, resource: string): Promise<string> {
  const headers = { 'x-oss-date': new Date().toUTCString() }
  const stringToSign = canonicalString({ method, headers, resource, query: new URLSearchParams() })
  const lines = [
    `${method} ${path} HTTP/1.1`,
    `Host: ${host}`,
    `x-oss-date: ${headers['x-oss-date']}`,
    `Authorization: OSS ${ACCESS_KEY_ID}:${signatureOf(SECRET, stringToSign)}`,
    'Connection: close',
  ]
  const socket = connect(server.port, '127.0.0.1')
  socket.end(`${lines.join('\r\n')}\r\n\r\n`)
  const chunks: Buffer[] = []
  for await (const chunk of socket) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

describe('oss test server', () => {
  it('answers a Range get with 206 and the slice', async () => {
    await client.put('range/obj', Buffer.from('0123456789'))
    const middle = await client.get('range/obj', { headers: { Range: 'bytes=2-5' } })
    expect(middle.res.status).toBe(206)
    expect(middle.content.toString()).toBe('2345')
    expect((middle.res.headers as Record<string, string>)['content-range']).toBe('bytes 2-5/10')
    const tail = await client.get('range/obj', { headers: { Range: 'bytes=-3' } })
    expect(tail.content.toString()).toBe('789')
    const whole = await client.get('range/obj', { headers: { Range: 'bytes=a-b' } })
    expect(whole.res.status).toBe(200)
    const error = await rejection(client.get('range/obj', { headers: { Range: 'bytes=10-' } }))
    expect(error).toMatchObject({ status: 416, code: 'InvalidRange' })
  })

  it('pages ListObjectsV2 with continuation tokens, KeyCount and common prefixes', async () => {
    const keys = ['v2/a', 'v2/b', 'v2/c/1', 'v2/c/2', 'v2/d', 'v2/e']
    for (const key of keys) await client.put(key, Buffer.from(key))
    const first = await client.listV2({ prefix: 'v2/', delimiter: '/', 'max-keys': 2 })
    expect(first.objects.map((o) => o.name)).toEqual(['v2/a', 'v2/b'])
    expect(first).toMatchObject({ isTruncated: true, keyCount: 2 })
    const second = await client.listV2({ prefix: 'v2/', delimiter: '/', 'max-keys': 2, 'continuation-token': first.nextContinuationToken })
    expect(second.prefixes).toEqual(['v2/c/'])
    expect(second.objects.map((o) => o.name)).toEqual(['v2/d'])
    const third = await client.listV2({ prefix: 'v2/', delimiter: '/', 'max-keys': 2, 'continuation-token': second.nextContinuationToken })
    expect(third.objects.map((o) => o.name)).toEqual(['v2/e'])
    expect(third).toMatchObject({ isTruncated: false, keyCount: 1, nextContinuationToken: null })
    const after = await client.listV2({ prefix: 'v2/', 'start-after': 'v2/c/1', 'max-keys': 100 })
    expect(after.objects.map((o) => o.name)).toEqual(['v2/c/2', 'v2/d', 'v2/e'])
    expect(after.objects[0]).toMatchObject({ size: 6, etag: expect.stringMatching(/^"[0-9A-F]{32}"$/) })
  })

  it('pages ListObjects (v1) with marker and NextMarker', async () => {
    for (const key of ['v1/x', 'v1/y', 'v1/z']) await client.put(key, Buffer.from('1'))
    const first = await client.list({ prefix: 'v1/', 'max-keys': 2 }, {})
    expect(first).toMatchObject({ isTruncated: true, nextMarker: 'v1/y' })
    const second = await client.list({ prefix: 'v1/', 'max-keys': 2, marker: first.nextMarker }, {})
    expect(second.objects.map((o) => o.name)).toEqual(['v1/z'])
    expect(second.isTruncated).toBe(false)
  })

  it('keeps unicode, spaces, % and = in keys', async () => {
    const key = 'odd/坐席 a%2Fb=1+2.txt'
    await client.put(key, Buffer.from('odd'))
    expect((await client.get(key)).content.toString()).toBe('odd')
    expect((await client.listV2({ prefix: 'odd/' })).objects.map((o) => o.name)).toEqual([key])
    expect(server.requests.at(-1)).toMatchObject({ op: 'ListObjectsV2', key: 'odd/', status: 200 })
  })

  it('answers HeadObject 404 with headers only, no body', async () => {
    const raw = await rawExchange('HEAD', '/head/missing', `${BUCKET}.oss-cn-hangzhou.aliyuncs.com`, `/${BUCKET}/head/missing`)
    expect(raw).toMatch(/^HTTP\/1\.1 404 /)
    expect(raw).toMatch(/\r\nx-oss-request-id: [0-9A-F]{24}\r\n/)
    expect(raw.endsWith('\r\n\r\n')).toBe(true)
    const error = await rejection(client.head('head/missing'))
    expect(error).toMatchObject({ status: 404, code: 'NoSuchKey' })
  })

  it('sends OSS error XML with the request id header, path style too', async () => {
    const raw = await rawExchange('GET', `/${BUCKET}/err/missing`, `127.0.0.1:${server.port}`, `/${BUCKET}/err/missing`)
    const [head = '', body = ''] = raw.split('\r\n\r\n')
    const requestId = /\r\nx-oss-request-id: ([0-9A-F]{24})\r\n/.exec(head)?.[1]
    expect(head).toMatch(/^HTTP\/1\.1 404 /)
    expect(head).toContain('content-type: application/xml')
    expect(body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>' +
        `<RequestId>${requestId}</RequestId><HostId>127.0.0.1:${server.port}</HostId><Key>err/missing</Key></Error>`,
    )
  })

  it('verifies V1 signatures like OSS', async () => {
    const wrongSecret = await rejection(ossClient({ accessKeySecret: 'other' }).get('x'))
    expect(wrongSecret).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch', requestId: expect.stringMatching(/^[0-9A-F]{24}$/) })
    expect(await rejection(ossClient({ accessKeyId: 'unknown' }).get('x'))).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' })
    expect(await rejection(ossClient({ bucket: 'absent' }).get('x'))).toMatchObject({ status: 404, code: 'NoSuchBucket' })
    const signedForOther = await rawExchange('GET', '/x', `${BUCKET}.oss-cn-hangzhou.aliyuncs.com`, '/other-bucket/x')
    expect(signedForOther).toContain('<Code>SignatureDoesNotMatch</Code>')
  })

  it('checks Content-MD5 and deletes idempotently with 204', async () => {
    const bad = await rejection(client.put('md5/key', Buffer.from('abc'), { headers: { 'Content-MD5': 'AAAAAAAAAAAAAAAAAAAAAA==' } }))
    expect(bad).toMatchObject({ status: 400, code: 'InvalidDigest' })
    expect((await client.delete('md5/never-existed')).res.status).toBe(204)
  })

  it('injects faults a given number of times, matching op and key prefix, and logs them', async () => {
    await client.put('fault/key', Buffer.from('v'))
    server.inject({ op: 'GetObject', kind: 'SlowDown', keyPrefix: 'fault/', times: 2 })
    server.inject({ op: '*', kind: 'reset', keyPrefix: 'fault/reset' })
    const before = server.requests.length
    expect(await rejection(client.get('fault/key'))).toMatchObject({ status: 503 })
    expect(await rejection(client.get('fault/key'))).toMatchObject({ status: 503 })
    expect((await client.get('fault/key')).content.toString()).toBe('v')
    expect(await rejection(client.head('fault/reset'))).toMatchObject({ status: -1 })
    const log = server.requests.slice(before).map(({ op, key, status, fault }) => ({ op, key, status, fault }))
    expect(log).toEqual([
      { op: 'GetObject', key: 'fault/key', status: 503, fault: 'SlowDown' },
      { op: 'GetObject', key: 'fault/key', status: 503, fault: 'SlowDown' },
      { op: 'GetObject', key: 'fault/key', status: 200, fault: undefined },
      { op: 'HeadObject', key: 'fault/reset', status: 0, fault: 'reset' },
    ])
  })

  it('scopes a fault to its bucket, and resetFaults drops the faults not taken', async () => {
    server.bucket('server-test-other')
    const other = ossClient({ bucket: 'server-test-other' })
    await client.put('scoped/key', Buffer.from('mine'))
    await other.put('scoped/key', Buffer.from('theirs'))
    server.inject({ bucket: 'server-test-other', op: 'GetObject', kind: '503', keyPrefix: 'scoped/' })
    expect((await client.get('scoped/key')).content.toString()).toBe('mine')
    expect(await rejection(other.get('scoped/key'))).toMatchObject({ status: 503 })
    expect((await other.get('scoped/key')).content.toString()).toBe('theirs')

    server.inject({ op: 'GetObject', kind: '503', keyPrefix: 'scoped/', times: 5 })
    expect(server.pendingFaults()).toEqual([{ op: 'GetObject', kind: '503', keyPrefix: 'scoped/', times: 5 }])
    server.resetFaults()
    expect(server.pendingFaults()).toEqual([])
    expect((await client.get('scoped/key')).content.toString()).toBe('mine')
  })

  it('clones a bucket with its objects and ETags', async () => {
    await client.put('clone/a', Buffer.from('alpha'))
    server.cloneBucket(BUCKET, 'server-test-clone')
    const clone = ossClient({ bucket: 'server-test-clone' })
    const [original, copy] = await Promise.all([client.head('clone/a'), clone.head('clone/a')])
    const etag = (head: typeof original) => (head.res.headers as Record<string, string>).etag
    expect(etag(copy)).toBe(etag(original))
    expect((await clone.get('clone/a')).content.toString()).toBe('alpha')
    await clone.delete('clone/a')
    expect((await client.get('clone/a')).content.toString()).toBe('alpha')
  })
})
