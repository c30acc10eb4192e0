import { createRequire } from 'node:module'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type * as FcModule from '@alicloud/fc20230330'
import type * as OpenApiModule from '@alicloud/openapi-client'
import type * as UtilModule from '@alicloud/tea-util'
import { AccessError, PermanentError, RetryableError } from '../errors.js'

/** The only module that talks to the Function Compute SDK. */

type FcClientClass = typeof FcModule.default.default
interface Sdk {
  FC: typeof FcModule
  FcClient: FcClientClass
  OpenApi: typeof OpenApiModule
  Util: typeof UtilModule
}

/**
 * The SDK is loaded when the first invoker is made, not with this module: it takes ~300 ms, and the
 * backfill function's cold start (and every CLI command) would pay it even when nothing is fanned out.
 */
let sdk: Sdk | undefined
function loadSdk(): Sdk {
  if (sdk) return sdk
  const require = createRequire(import.meta.url)
  const FC = require('@alicloud/fc20230330') as typeof FcModule
  // The CommonJS exports object: the client class is its `default`.
  const FcClient = ((FC as unknown as { default: { default?: FcClientClass } }).default.default ?? FC.default) as FcClientClass
  sdk = { FC, FcClient, OpenApi: require('@alicloud/openapi-client') as typeof OpenApiModule, Util: require('@alicloud/tea-util') as typeof UtilModule }
  return sdk
}

/** Starts a function asynchronously: FC queues the payload and answers at once. */
export interface Invoker {
  invokeAsync(functionName: string, payload: object): Promise<{ requestId?: string }>
}

export interface FcInvokerOptions {
  accessKeyId: string
  accessKeySecret: string
  securityToken?: string
  /** `<accountId>.<region>-internal.fc.aliyuncs.com`, or `127.0.0.1:PORT` for a test server. */
  endpoint: string
  /** Default https; a test server speaks http. */
  protocol?: 'https' | 'http'
  /** Attempts for a transient failure (throttling, 5xx, network). Default 3. */
  attempts?: number
  retryBaseMs?: number
  timeoutMs?: number
}

/** FC caps an asynchronous invocation's body at 128 KB. */
export const ASYNC_PAYLOAD_LIMIT = 128 * 1024

/** The endpoint a function uses to reach FC inside its region, from the FC context. */
export function internalFcEndpoint(accountId: string, region: string): string {
  return `${accountId}.${region}-internal.fc.aliyuncs.com`
}

export function createFcInvoker(options: FcInvokerOptions): Invoker {
  const timeout = options.timeoutMs ?? 10_000
  // Made on the first invocation: a backfill run that fans nothing out never loads the SDK.
  let client: InstanceType<FcClientClass> | undefined
  const invokeOnce = async (functionName: string, body: Buffer) => {
    const { FC, FcClient, OpenApi: $OpenApi, Util: $Util } = loadSdk()
    client ??= new FcClient(
      new $OpenApi.Config({
        accessKeyId: options.accessKeyId,
        accessKeySecret: options.accessKeySecret,
        securityToken: options.securityToken,
        endpoint: options.endpoint,
        protocol: options.protocol ?? 'https',
      }),
    )
    // The body is a stream the SDK consumes: build a fresh one per attempt.
    const request = new FC.InvokeFunctionRequest({ body: Readable.from([body]) })
    const headers = new FC.InvokeFunctionHeaders({ xFcInvocationType: 'Async' })
    const response = await client.invokeFunctionWithOptions(
      functionName,
      request,
      headers,
      new $Util.RuntimeOptions({ readTimeout: timeout, connectTimeout: timeout }),
    )
    response.body?.resume()
    return { requestId: response.headers?.['x-fc-request-id'] }
  }
  return {
    async invokeAsync(functionName, payload) {
      const body = Buffer.from(JSON.stringify(payload))
      if (body.length > ASYNC_PAYLOAD_LIMIT)
        throw new PermanentError(
          `FC InvokeFunction "${functionName}": payload of ${body.length} bytes exceeds the ${ASYNC_PAYLOAD_LIMIT}-byte limit of asynchronous invocations`,
        )
      const attempts = options.attempts ?? 3
      for (let attempt = 1; ; attempt++) {
        try {
          return await invokeOnce(functionName, body)
        } catch (error) {
          const mapped = mapFcError(functionName, error)
          if (!(mapped instanceof RetryableError) || attempt >= attempts) throw mapped
          await sleep((options.retryBaseMs ?? 200) * 2 ** (attempt - 1) * Math.random())
        }
      }
    },
  }
}

interface SdkError {
  code?: unknown
  statusCode?: unknown
  requestId?: unknown
  data?: { Message?: unknown }
  message?: unknown
}

/** SDK errors to ours, keeping only code, status, message and request id (never the request). */
function mapFcError(functionName: string, error: unknown): Error {
  const e = (error ?? {}) as SdkError
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined
  const code = typeof e.code === 'string' ? e.code : 'NetworkError'
  const detail = typeof e.data?.Message === 'string' ? e.data.Message : typeof e.message === 'string' ? e.message : String(error)
  const requestId = typeof e.requestId === 'string' ? `, request id ${e.requestId}` : ''
  const message = `FC InvokeFunction "${functionName}" failed: ${code}${status ? ` (HTTP ${status})` : ''}: ${detail}${requestId}`
  if (status === undefined || status === 429 || status >= 500) return new RetryableError(message)
  if (status === 401 || status === 403) return new AccessError(message, code)
  return new PermanentError(message)
}
