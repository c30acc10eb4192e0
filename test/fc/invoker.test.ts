import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessError, PermanentError, RetryableError } from '../../lib/errors.js'
import { createFcInvoker, internalFcEndpoint } from '../../lib/fc/invoker.js'
import { type FcServer, startFcServer } from '../support/fc-server.js'

let fc: FcServer
beforeAll(async () => {
  fc = await startFcServer()
})
afterAll(() => fc.close())

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.unreachable('expected a failure'),
    (error: Error) => error,
  )
}

describe('FC invoker (the real @alicloud/fc20230330 client against a local endpoint)', () => {
  it('sends an asynchronous InvokeFunction with the JSON payload as body', async () => {
    const before = fc.received.length
    const result = await fc.invoker().invokeAsync('ccc-trail-backfill', { batch: ['a/b.gz', 'c/d.gz'] })
    const request = fc.received[before]
    expect(request.method).toBe('POST')
    expect(request.path).toBe('/2023-03-30/functions/ccc-trail-backfill/invocations')
    expect(request.headers['x-fc-invocation-type']).toBe('Async')
    expect(request.payload).toEqual({ batch: ['a/b.gz', 'c/d.gz'] })
    // Signed with the STS credentials (ACS3), as FC expects from a function's role.
    expect(request.headers.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=LTAI5tFcTestKey,/)
    expect(request.headers['x-acs-security-token']).toBe('fc-test-token')
    expect(result.requestId).toBe(`req-${before + 1}`)
  })

  it('retries throttling and 5xx, then succeeds', async () => {
    const before = fc.received.length
    fc.failNext(429, 'ResourceThrottled')
    fc.failNext(503, 'ServiceUnavailable')
    await fc.invoker().invokeAsync('worker', { batch: ['k'] })
    expect(fc.received.slice(before).map((r) => r.payload)).toEqual([{ batch: ['k'] }])
  })

  it('gives up on a transient failure after the attempts with a RetryableError', async () => {
    fc.failNext(500, 'InternalServerError', 3)
    const error = await failure(fc.invoker().invokeAsync('worker', {}))
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('InternalServerError (HTTP 500)')
  })

  it('maps refusals to permanent errors without leaking credentials', async () => {
    fc.failNext(404, 'FunctionNotFound')
    const missing = await failure(fc.invoker().invokeAsync('nope', {}))
    expect(missing).toBeInstanceOf(PermanentError)
    expect(missing).not.toBeInstanceOf(RetryableError)
    expect(missing.message).toMatch(/^FC InvokeFunction "nope" failed: FunctionNotFound \(HTTP 404\): injected FunctionNotFound, request id req-\d+$/)
    fc.failNext(403, 'AccessDenied')
    const denied = await failure(fc.invoker().invokeAsync('worker', {}))
    expect(denied).toBeInstanceOf(AccessError)
    for (const text of [denied.message, inspect(denied), String(denied.stack)]) {
      expect(text).not.toContain('fc-test-secret')
      expect(text).not.toContain('fc-test-token')
    }
  })

  it('reports an unreachable endpoint as retryable', async () => {
    const invoker = createFcInvoker({ endpoint: '127.0.0.1:1', protocol: 'http', accessKeyId: 'id', accessKeySecret: 'secret', attempts: 1 })
    expect(await failure(invoker.invokeAsync('worker', {}))).toBeInstanceOf(RetryableError)
  })

  it('refuses a payload above the 128 KB asynchronous limit before sending it', async () => {
    const before = fc.received.length
    const error = await failure(fc.invoker().invokeAsync('worker', { batch: ['x'.repeat(130 * 1024)] }))
    expect(error.message).toContain('exceeds the 131072-byte limit')
    expect(fc.received.length).toBe(before)
  })

  it('derives the internal endpoint from the function context', () => {
    expect(internalFcEndpoint('1234567890', 'cn-shanghai')).toBe('1234567890.cn-shanghai-internal.fc.aliyuncs.com')
  })
})
