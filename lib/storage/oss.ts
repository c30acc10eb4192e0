import { createRequire } from 'node:module'
import { PassThrough, type Readable } from 'node:stream'
import type OSS from 'ali-oss'
import { invocationCredentials } from '../credentials.js'
import { AccessError, CccTrailError, ConfigError, ExclusiveCreateUnsupportedError, errorMessage, NotFoundError, RetryableError } from '../errors.js'
import { jsonLogger, type Logger } from '../log.js'
import { DEFAULT_PAGE_SIZE } from './page.js'
import type { ListOptions, ListPage, ObjectInfo, Storage } from './types.js'

/** The only module that talks to ali-oss. */

/**
 * ali-oss is loaded when the first client is made, not with this module: it takes ~120 ms, which every
 * run on local folders (and every worker thread) would otherwise pay for nothing.
 */
let ossClass: typeof OSS | undefined
function ossClient(): typeof OSS {
  ossClass ??= createRequire(import.meta.url)('ali-oss') as typeof OSS
  return ossClass
}

export interface OssCredentials {
  accessKeyId: string
  accessKeySecret: string
  securityToken?: string
}

export interface OssLocation {
  bucket: string
  /** `cn-shanghai` or `oss-cn-shanghai`; default cn-hangzhou. Ignored for the URL when `endpoint` is set. */
  region?: string
  /** e.g. `https://oss-cn-shanghai-internal.aliyuncs.com`, or a test server `http://127.0.0.1:PORT`. */
  endpoint?: string
  /** Use the region's internal (VPC) endpoint, as Function Compute should. */
  internal?: boolean
  /** HTTPS when the endpoint has no scheme; default true. */
  secure?: boolean
  /** Per request, and the longest a get stream may stall while its reader waits. Default 60 s. */
  timeoutMs?: number
  /** Retries of a transient failure before RetryableError. Default 3. */
  retries?: number
  /** First backoff step; doubles per retry (full jitter), capped by retryMaxMs. Defaults 200 / 5000 ms. */
  retryBaseMs?: number
  retryMaxMs?: number
}

/** How to reach OSS, whatever the bucket. */
export type OssEndpoint = Omit<OssLocation, 'bucket'>

export interface OssDriverOptions {
  /**
   * Where the driver reports what it cannot hand back as an error: a multipart upload it could not abort
   * (its parts stay in the bucket, billed, until a lifecycle rule removes them). Default: JSON lines on stderr.
   */
  log?: Logger
}

export type OssStorageOptions = OssLocation & OssCredentials & OssDriverOptions

type Operation =
  | 'GetObject'
  | 'PutObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'DeleteMultipleObjects'
  | 'ListObjects'
  | 'InitiateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'GetBucketVersioning'

/**
 * Bytes gathered before a streamed object sends a part. OSS needs every part but the last to be at
 * least 100 KB; 1 MB keeps the part count far below the 10,000 allowed for outputs up to ~10 GB while
 * holding little per open stream.
 */
export const STREAM_PART_BYTES = 1024 * 1024

/** The most keys one DeleteMultipleObjects request may name. */
export const MAX_DELETE_KEYS = 1000

interface Failure {
  kind: 'missing' | 'exists' | 'refused' | 'transient' | 'expired' | 'other'
  code: string
  detail: string
  requestId?: string
}

/** Refusals a retry will not fix. */
const REFUSED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'NoSuchBucket',
  'InvalidSecurityToken',
  'RequestTimeTooSkewed',
  'InvalidBucketName',
  'UserDisable',
  'AccountDisabled',
])

const TRANSIENT = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'QpsLimitExceeded',
  'TooManyRequests',
  'ResponseTimeoutError',
  'ConnectionTimeoutError',
  'SocketAssignTimeoutError',
  'RequestError',
  'ResponseError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/

export class OssStorage implements Storage {
  readonly description: string
  readonly #client: OSS
  readonly #secrets: string[]
  readonly #timeoutMs: number
  readonly #retries: number
  readonly #retryBaseMs: number
  readonly #retryMaxMs: number
  readonly #log: Logger
  readonly #bucket: string
  #exclusiveCreates: Promise<void> | undefined

  constructor(options: OssStorageOptions) {
    const { bucket, accessKeyId, accessKeySecret, securityToken } = options
    if (!BUCKET_NAME.test(bucket ?? '')) throw new ConfigError('bucket', `"${bucket}" is not a valid OSS bucket name`)
    if (!accessKeyId) throw new ConfigError('accessKeyId', 'missing OSS access key id')
    if (!accessKeySecret) throw new ConfigError('accessKeySecret', 'missing OSS access key secret')
    this.description = `oss://${bucket}`
    this.#bucket = bucket
    this.#secrets = [accessKeySecret, securityToken ?? ''].filter((s) => s.length >= 4)
    this.#timeoutMs = options.timeoutMs ?? 60_000
    this.#retries = options.retries ?? 3
    this.#retryBaseMs = options.retryBaseMs ?? 200
    this.#retryMaxMs = options.retryMaxMs ?? 5_000
    this.#log = options.log ?? jsonLogger((line) => process.stderr.write(line + '\n'))
    this.#client = createClient(options, this.#timeoutMs)
  }

  async get(key: string): Promise<Readable> {
    const result = await this.#call('GetObject', key, () => this.#client.getStream(key, { timeout: this.#timeoutMs }))
    const interrupted = (error: unknown) => {
      const failure = this.#classify(error)
      return new RetryableError(`${this.description}: GetObject "${key}" interrupted: ${describe(failure)}`)
    }
    return guardBody(result.stream as Readable, this.#timeoutMs, interrupted)
  }

  async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    const content = bytesOf(body)
    const result = await this.#call('PutObject', key, () => this.#client.put(key, content, { timeout: this.#timeoutMs }))
    const headers = result.res.headers as Record<string, string | undefined>
    return { key, size: content.length, etag: unquote(headers.etag), lastModified: dateOf(headers.date) }
  }

  /**
   * PutObject with `x-oss-forbid-overwrite: true`: OSS answers 409 FileAlreadyExists when the key exists.
   * OSS ignores that header on a bucket whose versioning is Enabled or Suspended, so the bucket's
   * versioning is read first (once per driver) and such a bucket is refused rather than trusted.
   */
  async putIfAbsent(key: string, body: Uint8Array | string): Promise<ObjectInfo | undefined> {
    await this.#checkExclusiveCreates()
    const content = bytesOf(body)
    const options = { timeout: this.#timeoutMs, headers: { 'x-oss-forbid-overwrite': 'true' } }
    try {
      const result = await this.#call('PutObject', key, () => this.#client.put(key, content, options))
      const headers = result.res.headers as Record<string, string | undefined>
      return { key, size: content.length, etag: unquote(headers.etag), lastModified: dateOf(headers.date) }
    } catch (error) {
      if (error instanceof AlreadyExists) return undefined
      throw error
    }
  }

  /** A refusal is kept for the driver's life; a failed check (network, permission) is tried again next time. */
  #checkExclusiveCreates(): Promise<void> {
    const client = this.#client as unknown as VersioningClient
    this.#exclusiveCreates ??= this.#call('GetBucketVersioning', '', () => client.getBucketVersioning(this.#bucket, { timeout: this.#timeoutMs })).then(
      ({ versionStatus }) => {
        if (versionStatus === 'Enabled' || versionStatus === 'Suspended')
          throw new ExclusiveCreateUnsupportedError(versionedBucketMessage(this.description, versionStatus))
      },
      (error: unknown) => {
        this.#exclusiveCreates = undefined
        throw error
      },
    )
    return this.#exclusiveCreates
  }

  /**
   * Multipart upload: parts of at least STREAM_PART_BYTES as the body yields them, then Complete. A
   * body shorter than one part is sent as one PutObject. On any failure the upload is aborted, so no
   * part lingers. Each part is retried on its own; InitiateMultipartUpload is too, which may leave an
   * empty upload behind on a lost answer (a bucket lifecycle rule for incomplete uploads removes it).
   */
  async putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    const iterator = body[Symbol.asyncIterator]()
    const first = await gather(iterator, STREAM_PART_BYTES)
    if (first.last) return this.put(key, first.bytes)
    const init = await this.#call('InitiateMultipartUpload', key, () => this.#client.initMultipartUpload(key, { timeout: this.#timeoutMs }))
    const parts: { number: number; etag: string }[] = []
    let size = 0
    try {
      for (let part = first; ; part = await gather(iterator, STREAM_PART_BYTES)) {
        const number = parts.length + 1
        const bytes = part.bytes
        if (bytes.length > 0 || number === 1) {
          const sent = await this.#call('UploadPart', key, () =>
            this.#client.uploadPart(key, init.uploadId, number, bytes, 0, bytes.length, { timeout: this.#timeoutMs }),
          )
          parts.push({ number, etag: sent.etag })
          size += bytes.length
        }
        if (part.last) break
      }
      const done = await this.#call('CompleteMultipartUpload', key, () =>
        this.#client.completeMultipartUpload(key, init.uploadId, parts, { timeout: this.#timeoutMs }),
      )
      const headers = done.res.headers as Record<string, string | undefined>
      return { key, size, etag: unquote(done.etag ?? headers.etag), lastModified: dateOf(headers.date) }
    } catch (error) {
      await this.#abort(key, init.uploadId, error)
      throw error
    }
  }

  /**
   * Aborts a failed upload. The upload's own failure is what the caller gets; an abort that fails too
   * (refused: the role lacks oss:AbortMultipartUpload) is logged as an error naming the upload id, so an
   * operator can remove the parts and fix the policy.
   */
  async #abort(key: string, uploadId: string, cause: unknown): Promise<void> {
    try {
      await this.#call('AbortMultipartUpload', key, () => this.#client.abortMultipartUpload(key, uploadId, { timeout: this.#timeoutMs }))
    } catch (error) {
      this.#log.error(`multipart upload not aborted: its parts stay in the bucket until a lifecycle rule removes them: ${errorMessage(error)}`, {
        location: this.description,
        key,
        uploadId,
        reason: error instanceof AccessError ? `access_refused:${error.code}` : 'abort_failed',
        uploadError: errorMessage(cause),
      })
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const result = await this.#call('HeadObject', key, () => this.#client.head(key, { timeout: this.#timeoutMs }))
      const headers = result.res.headers as Record<string, string | undefined>
      return { key, size: Number(headers['content-length']), etag: unquote(headers.etag), lastModified: dateOf(headers['last-modified']) }
    } catch (error) {
      if (error instanceof NotFoundError) return undefined
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.#call('DeleteObject', key, () => this.#client.delete(key, { timeout: this.#timeoutMs }))
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error
    }
  }

  /** DeleteMultipleObjects in quiet mode (OSS answers with the failures only), MAX_DELETE_KEYS a request. */
  async deleteMany(keys: readonly string[]): Promise<void> {
    const unique = [...new Set(keys)]
    for (let at = 0; at < unique.length; at += MAX_DELETE_KEYS) {
      const batch = unique.slice(at, at + MAX_DELETE_KEYS)
      await this.#call('DeleteMultipleObjects', batch[0]!, () => this.#client.deleteMulti(batch, { quiet: true, timeout: this.#timeoutMs }))
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    // listV2 mutates its query, so each attempt builds a fresh one.
    const result = await this.#call('ListObjects', prefix, () => this.#client.listV2(listQuery(prefix, options), { timeout: this.#timeoutMs }))
    const objects = (result.objects ?? []).map((o) => ({ key: o.name, size: Number(o.size), etag: unquote(o.etag), lastModified: dateOf(o.lastModified) }))
    const page: ListPage = { objects, prefixes: result.prefixes ?? [] }
    if (result.isTruncated && result.nextContinuationToken) page.next = result.nextContinuationToken
    return page
  }

  async #call<T>(op: Operation, key: string, attempt: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await attempt()
      } catch (error) {
        const failure = this.#classify(error)
        if (failure.kind !== 'transient' || retry >= this.#retries) throw this.#error(op, key, failure, retry + 1)
        await sleep(backoff(retry, this.#retryBaseMs, this.#retryMaxMs))
      }
    }
  }

  #classify(error: unknown): Failure {
    const e = (error ?? {}) as { name?: string; code?: string; status?: number; message?: string; requestId?: string }
    const code = e.code || e.name || 'Error'
    const failure = { code, detail: redact(summary(e.message), this.#secrets), requestId: e.requestId }
    if (code === 'NoSuchKey') return { kind: 'missing', ...failure }
    if (code === 'FileAlreadyExists') return { kind: 'exists', ...failure }
    if (code === 'SecurityTokenExpired') return { kind: 'expired', ...failure }
    if (REFUSED.has(code) || e.status === 403) return { kind: 'refused', ...failure }
    const status = e.status ?? 0
    if (TRANSIENT.has(code) || TRANSIENT.has(e.name ?? '') || status < 0 || status === 429 || status >= 500) return { kind: 'transient', ...failure }
    return { kind: 'other', ...failure }
  }

  #error(op: Operation, key: string, failure: Failure, attempts: number): Error {
    const where = `${this.description}: ${op} "${key}"`
    switch (failure.kind) {
      case 'missing':
        return new NotFoundError(key, this.description)
      case 'exists':
        return new AlreadyExists(`${where}: the object exists`)
      case 'refused':
        return new AccessError(`${where} refused: ${describe(failure)}`, failure.code)
      case 'expired':
        return new RetryableError(`${where} refused: ${describe(failure)}; a new invocation gets fresh credentials`)
      case 'transient':
        return new RetryableError(`${where} failed after ${attempts} attempt(s): ${describe(failure)}`)
      default:
        return new CccTrailError(`${where} failed: ${describe(failure)}`)
    }
  }
}

/** ali-oss has getBucketVersioning; its type declarations do not. `versionStatus` is undefined for a bucket that never had versioning. */
interface VersioningClient {
  getBucketVersioning(bucket: string, options: { timeout: number }): Promise<{ versionStatus?: string }>
}

/** The answer of a put-if-absent whose key exists; putIfAbsent turns it into `undefined`. */
class AlreadyExists extends CccTrailError {}

export function versionedBucketMessage(description: string, status: string): string {
  return (
    `${description} has versioning ${status}; OSS ignores x-oss-forbid-overwrite on such buckets, so ccc-trail cannot take ` +
    "the lease that keeps two runs from deleting each other's files, and deletes nothing there. " +
    'Keep the table (--dest / DEST) in a bucket that never had versioning (once enabled it can only be suspended); ' +
    'the archives may stay in a versioned bucket. See docs/reliability.md, "Leases".'
  )
}

/** ali-oss reads a string argument as a file path, so always hand it bytes. */
function bytesOf(body: Uint8Array | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
}

/** An OssStorage for `location`, with credentials from the FC context or the environment. */
export function createOssStorage(
  location: OssLocation & OssDriverOptions,
  context?: { credentials?: Partial<OssCredentials> },
  env: NodeJS.ProcessEnv = process.env,
): OssStorage {
  return new OssStorage({ ...location, ...invocationCredentials(context, env, 'OSS') })
}

function createClient(options: OssStorageOptions, timeoutMs: number): OSS {
  const region = options.region ?? 'cn-hangzhou'
  try {
    // ali-oss overwrites its defaults with undefined values, so pass only what is set.
    const client = new (ossClient())({
      bucket: options.bucket,
      // With an IP endpoint ali-oss still derives the Host header from the region.
      region: region.startsWith('oss-') ? region : `oss-${region}`,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      internal: options.internal ?? false,
      secure: options.secure ?? true,
      accessKeyId: options.accessKeyId,
      accessKeySecret: options.accessKeySecret,
      stsToken: options.securityToken,
      timeout: timeoutMs,
      // FC credentials live as long as the invocation; setting an interval only silences ali-oss's warning.
      refreshSTSTokenInterval: 3_600_000,
    })
    keepErrorBodies(client)
    return client
  } catch (error) {
    throw new ConfigError(options.endpoint ? 'endpoint' : 'region', summary((error as Error).message))
  }
}

interface HttpResult {
  status?: number
  headers?: Record<string, string | undefined>
  data?: Buffer | string
  res?: Readable
}

interface Transport {
  request(url: string, params: { customResponse?: boolean }): Promise<HttpResult>
}

/**
 * ali-oss drops the body of a failed streaming request and of every HEAD answer, so the OSS error code
 * is lost (a refused get is "UnknownError", a missing bucket looks like NoSuchKey). Handing it the error
 * XML (from the small body, or the `x-oss-err` header OSS sets on HEAD answers) lets it parse the code.
 */
function keepErrorBodies(client: OSS): void {
  const holder = client as unknown as { urllib?: Transport }
  const transport = holder.urllib
  if (typeof transport?.request !== 'function') return
  holder.urllib = {
    async request(url, params) {
      const result = await transport.request(url, params)
      if ((result.status ?? 0) < 400 || (result.data && result.data.length > 0)) return result
      const errHeader = result.headers?.['x-oss-err']
      if (errHeader) result.data = Buffer.from(errHeader, 'base64')
      else if (params.customResponse && result.res) result.data = await readSmall(result.res, 64 * 1024)
      return result
    },
  }
}

/** The next `atLeast` bytes of a body (fewer at its end), as one Buffer; `last` once the body is done. */
async function gather(iterator: AsyncIterator<Uint8Array>, atLeast: number): Promise<{ bytes: Buffer; last: boolean }> {
  const chunks: Uint8Array[] = []
  let size = 0
  while (size < atLeast) {
    const next = await iterator.next()
    if (next.done) return { bytes: Buffer.concat(chunks, size), last: true }
    chunks.push(next.value)
    size += next.value.length
  }
  return { bytes: Buffer.concat(chunks, size), last: false }
}

async function readSmall(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer)
      size += (chunk as Buffer).length
      if (size >= limit) break
    }
  } catch {
    // A broken error body leaves ali-oss with the status alone, as before.
  }
  return Buffer.concat(chunks)
}

/**
 * The body of a get, with transport failures surfaced as errors from `fail` and a stalled connection
 * (no data for `idleMs` while the reader is waiting) destroyed instead of hanging.
 */
function guardBody(body: Readable, idleMs: number, fail: (error: unknown) => Error): Readable {
  const out = new PassThrough()
  const stall = setTimeout(() => {
    if (body.isPaused())
      stall.refresh() // the reader is behind, not the network
    else body.destroy(Object.assign(new Error(`no data for ${idleMs} ms`), { code: 'ETIMEDOUT' }))
  }, idleMs).unref() // the open socket keeps the process alive, not this timer
  body.on('data', () => stall.refresh())
  body.once('end', () => clearTimeout(stall))
  body.once('error', (error) => out.destroy(fail(error)))
  body.once('close', () => {
    clearTimeout(stall)
    if (!body.readableEnded && !out.destroyed)
      out.destroy(fail(Object.assign(new Error('connection closed before the end of the body'), { code: 'ECONNRESET' })))
  })
  out.once('close', () => {
    if (!body.readableEnded) body.destroy()
  })
  body.pipe(out)
  return out
}

function listQuery(prefix: string, options: ListOptions): OSS.ListV2ObjectsQuery {
  const query: OSS.ListV2ObjectsQuery = { prefix, 'max-keys': Math.min(Math.max(options.limit ?? DEFAULT_PAGE_SIZE, 1), 1000) }
  if (options.delimiter) query.delimiter = options.delimiter
  if (options.cursor) query['continuation-token'] = options.cursor
  return query
}

function describe(failure: Failure): string {
  const detail = failure.detail ? ` (${failure.detail})` : ''
  const requestId = failure.requestId ? ` [request ${failure.requestId}]` : ''
  return `${failure.code}${detail}${requestId}`
}

/** First line, without the URL, socket statistics and advice urllib and ali-oss append. */
function summary(message: string | undefined): string {
  const line = (message ?? '').split('\n')[0]!
  return line
    .replace(/, (GET|PUT|HEAD|DELETE|POST) \S+ .*$/, '')
    .replace(/, please increase the timeout.*$/, '')
    .slice(0, 300)
}

function redact(text: string, secrets: string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join('***'), text)
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/"/g, '')
}

function dateOf(value: string | undefined): Date | undefined {
  const time = value ? Date.parse(value) : NaN
  return Number.isNaN(time) ? undefined : new Date(time)
}

function backoff(retry: number, baseMs: number, maxMs: number): number {
  return Math.random() * Math.min(maxMs, baseMs * 2 ** retry)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
