import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { type AddressInfo, isIP } from 'node:net'
import { isSubResource, type OssCredentials, verifyV1 } from './oss-server-auth.js'
import { deleteMultiple, keysToDelete } from './oss-server-delete.js'
import { byteOrder, type ListedObject, listPage, listV1Document, listV2Document, parseListQuery } from './oss-server-list.js'
import { completedDocument, Uploads } from './oss-server-multipart.js'
import { elements, errorDocument, type OssErrorBody, XML_DECLARATION } from './oss-server-xml.js'

/**
 * An OSS-protocol server for tests: the object API ali-oss uses, OSS V1 signature checks, OSS error
 * XML, and injectable faults. Objects live in memory. Not a product: one process, no persistence.
 */

export type OssOperation =
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'DeleteMultipleObjects'
  | 'ListObjects'
  | 'ListObjectsV2'
  | 'InitiateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'GetBucketVersioning'

/**
 * `503`: ServiceUnavailable; `SlowDown`: 503 with code SlowDown; `delay`: wait `delayMs`, then answer
 * normally; `reset`: destroy the socket without answering; `truncate`: send the headers and half the body,
 * then destroy the socket (a reset mid-stream); `stall`: send the headers and half the body, then nothing;
 * `hold`: keep the request waiting until `release()`, then answer normally; a client that gives up first (a
 * timeout) gets nothing, and the request changes nothing. A deterministic "in flight" or "too slow".
 * `AccessDenied`: 403 with code AccessDenied, what OSS answers when the role's policy lacks the action.
 */
export type FaultKind = '503' | 'SlowDown' | 'AccessDenied' | 'delay' | 'reset' | 'truncate' | 'stall' | 'hold'

export interface Fault {
  /** `ListObjects` matches both list versions; `*` matches every operation. */
  op: OssOperation | '*'
  kind: FaultKind
  /** Only requests to this bucket. */
  bucket?: string
  /** Only requests whose key (for lists: prefix) starts with this. */
  keyPrefix?: string
  /** How many matching requests fail; default 1. */
  times?: number
  /** For `delay`; default 1000. */
  delayMs?: number
}

export interface RecordedRequest {
  op: OssOperation | 'Unsupported'
  method: string
  bucket?: string
  /** The object key, or the prefix of a list. */
  key: string
  /** DeleteMultipleObjects: the keys the request names. */
  keys?: string[]
  /** 0 when the socket was reset before a status was sent. */
  status: number
  /** Bytes of the response body sent (0 for HEAD and for a reset before the answer). */
  bytesSent?: number
  fault?: FaultKind
  requestId: string
}

export interface OssServerOptions extends OssCredentials {
  buckets?: string[]
}

export interface OssServer {
  /** `http://127.0.0.1:<port>`. ali-oss then sends `Host: <bucket>.<region host>`; path style works too. */
  endpoint: string
  port: number
  /** Creates the bucket if it does not exist. */
  bucket(name: string): void
  /**
   * Sets a bucket's versioning status, as PutBucketVersioning would. Only the status is modelled (for
   * GetBucketVersioning): like OSS, PutObject then ignores `x-oss-forbid-overwrite`.
   */
  setVersioning(bucket: string, status: 'Enabled' | 'Suspended'): void
  inject(fault: Fault): void
  /** Faults injected but not (fully) taken yet. */
  pendingFaults(): Fault[]
  /** Drops every injected fault and the token expiry, releases held requests: a test's faults never reach the next test. */
  resetFaults(): void
  /** Resolves with the first request a `hold` fault keeps waiting (at once if one is waiting already). */
  held(): Promise<RecordedRequest>
  /** Lets every held request go on. */
  release(): void
  /** A new bucket holding a copy of every object of `from`, ETags and times included. */
  cloneBucket(from: string, to: string): void
  /** From now on, requests with the configured security token fail with SecurityTokenExpired. */
  expireSecurityToken(): void
  readonly requests: RecordedRequest[]
  /** Multipart uploads started and neither completed nor aborted. */
  pendingUploads(): number
  close(): Promise<void>
}

interface StoredObject extends ListedObject {
  body: Buffer
  contentType: string
}

interface Target {
  bucket?: string
  key: string
  query: URLSearchParams
}

interface Reply {
  status: number
  headers?: Record<string, string>
  body?: Buffer | string
  error?: OssErrorBody
}

class ServerState {
  readonly buckets = new Map<string, Map<string, StoredObject>>()
  readonly versioning = new Map<string, 'Enabled' | 'Suspended'>()
  readonly faults: (Fault & { times: number })[] = []
  readonly requests: RecordedRequest[] = []
  readonly uploads = new Uploads()
  readonly timers = new Set<NodeJS.Timeout>()
  readonly holding: { request: RecordedRequest; release: () => void }[] = []
  readonly holdWatchers: ((request: RecordedRequest) => void)[] = []
  tokenExpired = false

  constructor(readonly credentials: OssCredentials) {}

  takeFault(op: RecordedRequest['op'], bucket: string | undefined, key: string): Fault | undefined {
    const fault = this.faults.find(
      (f) => f.times > 0 && opMatches(f.op, op) && (f.bucket === undefined || f.bucket === bucket) && key.startsWith(f.keyPrefix ?? ''),
    )
    if (fault) fault.times--
    return fault
  }

  hold(request: RecordedRequest, req: IncomingMessage): Promise<void> {
    return new Promise((release) => {
      req.socket.once('close', release)
      this.holding.push({ request, release })
      for (const watcher of this.holdWatchers.splice(0)) watcher(request)
    })
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        resolve()
      }, ms)
      this.timers.add(timer)
    })
  }
}

function opMatches(wanted: Fault['op'], op: RecordedRequest['op']): boolean {
  return wanted === '*' || wanted === op || (wanted === 'ListObjects' && op === 'ListObjectsV2')
}

export async function startOssServer(options: OssServerOptions): Promise<OssServer> {
  const { buckets = [], ...credentials } = options
  const state = new ServerState(credentials)
  for (const name of buckets) state.buckets.set(name, new Map())
  const server = createServer((req, res) => void handle(state, req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    bucket: (name) => void (state.buckets.has(name) || state.buckets.set(name, new Map())),
    setVersioning: (bucket, status) => void state.versioning.set(bucket, status),
    inject: (fault) => void state.faults.push({ times: 1, ...fault }),
    pendingFaults: () => state.faults.filter((f) => f.times > 0).map((f) => ({ ...f })),
    resetFaults: () => {
      state.faults.length = 0
      for (const { release } of state.holding.splice(0)) release()
      state.tokenExpired = false
    },
    held: () => new Promise((resolve) => (state.holding.length ? resolve(state.holding[0].request) : state.holdWatchers.push(resolve))),
    release: () => {
      for (const { release } of state.holding.splice(0)) release()
    },
    cloneBucket: (from, to) => {
      const objects = state.buckets.get(from)
      if (!objects) throw new Error(`no bucket ${from}`)
      state.buckets.set(to, new Map([...objects].map(([key, object]) => [key, { ...object }])))
    },
    expireSecurityToken: () => void (state.tokenExpired = true),
    requests: state.requests,
    pendingUploads: () => state.uploads.pending,
    close: async () => {
      for (const timer of state.timers) clearTimeout(timer)
      for (const { release } of state.holding.splice(0)) release()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const record: RecordedRequest = { op: 'Unsupported', method: req.method ?? '', key: '', status: 0, requestId: newRequestId() }
  state.requests.push(record)
  try {
    const body = await readBody(req)
    const target = targetOf(req)
    record.op = operationOf(record.method, target)
    record.bucket = target.bucket
    record.key = target.key || (target.query.get('prefix') ?? '')
    if (record.op === 'DeleteMultipleObjects') record.keys = keysToDelete(body)
    const fault = state.takeFault(record.op, record.bucket, record.key)
    if (fault) record.fault = fault.kind
    if (fault?.kind === 'delay') await state.sleep(fault.delayMs ?? 1000)
    if (fault?.kind === 'hold') {
      await state.hold(record, req)
      if (req.socket.destroyed) return
    }
    if (fault?.kind === 'reset') return void req.socket.destroy()
    const reply = faultReply(fault) ?? answer(state, req, target, record.op, body)
    send(req, res, reply, record, fault?.kind)
  } catch (error) {
    if (res.headersSent || req.socket.destroyed) return
    const reply: Reply =
      error instanceof URIError
        ? { status: 400, error: { code: 'InvalidURI', message: 'Could not parse the specified URI.' } }
        : { status: 500, error: { code: 'InternalError', message: String(error) } }
    send(req, res, reply, record)
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Virtual-host style (`Host: <bucket>.<domain>`) unless the host is an IP address or localhost. */
function targetOf(req: IncomingMessage): Target {
  const url = req.url ?? '/'
  const cut = url.indexOf('?')
  const path = cut < 0 ? url : url.slice(0, cut)
  const query = new URLSearchParams(cut < 0 ? '' : url.slice(cut + 1))
  const host = hostname(req.headers.host ?? '')
  if (isIP(host) || host === 'localhost') {
    const [bucket = '', ...rest] = path.slice(1).split('/')
    return { bucket: decodeURIComponent(bucket) || undefined, key: decodeURIComponent(rest.join('/')), query }
  }
  return { bucket: host.split('.')[0], key: decodeURIComponent(path.slice(1)), query }
}

function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'))
  return host.replace(/:\d+$/, '')
}

function operationOf(method: string, target: Target): RecordedRequest['op'] {
  const subResources = [...target.query.keys()].filter((name) => isSubResource(name) && !name.startsWith('response-'))
  if (!target.bucket) return 'Unsupported'
  if (target.key === '') {
    if (method === 'GET' && subResources.join('&') === 'versioning') return 'GetBucketVersioning'
    if (method === 'POST' && subResources.join('&') === 'delete') return 'DeleteMultipleObjects'
    if (method !== 'GET' || subResources.some((name) => name !== 'continuation-token')) return 'Unsupported'
    return target.query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects'
  }
  if (subResources.length > 0) return multipartOperation(method, subResources)
  const ops: Record<string, OssOperation> = { GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' }
  return ops[method] ?? 'Unsupported'
}

function multipartOperation(method: string, subResources: string[]): RecordedRequest['op'] {
  const names = subResources.sort().join('&')
  if (method === 'POST' && names === 'uploads') return 'InitiateMultipartUpload'
  if (method === 'PUT' && names === 'partNumber&uploadId') return 'UploadPart'
  if (method === 'POST' && names === 'uploadId') return 'CompleteMultipartUpload'
  if (method === 'DELETE' && names === 'uploadId') return 'AbortMultipartUpload'
  return 'Unsupported'
}

function faultReply(fault: Fault | undefined): Reply | undefined {
  if (fault?.kind === '503') return { status: 503, error: { code: 'ServiceUnavailable', message: 'Service is unavailable, please try again later.' } }
  if (fault?.kind === 'SlowDown') return { status: 503, error: { code: 'SlowDown', message: 'Please reduce your request rate.' } }
  if (fault?.kind === 'AccessDenied') return { status: 403, error: { code: 'AccessDenied', message: 'You have no right to access this object.' } }
  return undefined
}

/** Bucket, then signature, then the operation: the order in which OSS refuses a request. */
function answer(state: ServerState, req: IncomingMessage, target: Target, op: RecordedRequest['op'], body: Buffer): Reply {
  if (!target.bucket) return { status: 403, error: { code: 'AccessDenied', message: 'This test server has no service-level operations.' } }
  const objects = state.buckets.get(target.bucket)
  if (!objects) return { status: 404, error: { code: 'NoSuchBucket', message: 'The specified bucket does not exist.', extra: { BucketName: target.bucket } } }
  const signed = { method: req.method ?? '', headers: req.headers, resource: `/${target.bucket}/${target.key}`, query: target.query }
  const refusal = verifyV1(signed, state.credentials, state.tokenExpired)
  if (refusal) return { status: 403, error: refusal }
  switch (op) {
    case 'PutObject': {
      const forbidden = forbidOverwrite(req, state.versioning.has(target.bucket))
      if (typeof forbidden === 'object') return forbidden
      if (forbidden && objects.has(target.key)) return fileAlreadyExists()
      return putObject(objects, target.key, req, body)
    }
    case 'GetBucketVersioning':
      return versioningDocument(state.versioning.get(target.bucket))
    case 'GetObject':
      return getObject(objects, target.key, req.headers.range)
    case 'HeadObject':
      return headObject(objects, target.key)
    case 'DeleteObject':
      objects.delete(target.key)
      return { status: 204 }
    case 'DeleteMultipleObjects':
      return deleteMultiple(objects, body, String(req.headers['content-md5'] ?? '') || undefined)
    case 'ListObjects':
    case 'ListObjectsV2':
      return listObjects(objects, target, op === 'ListObjectsV2')
    case 'InitiateMultipartUpload':
      return state.uploads.initiate(target.bucket, target.key, req.headers['content-type'] ?? 'application/octet-stream')
    case 'UploadPart':
      return state.uploads.uploadPart(target.bucket, target.key, target.query.get('uploadId') ?? '', target.query.get('partNumber') ?? '', body)
    case 'CompleteMultipartUpload': {
      const done = state.uploads.complete(target.bucket, target.key, target.query.get('uploadId') ?? '', body.toString('utf8'))
      if ('status' in done) return done
      objects.set(target.key, {
        key: target.key,
        body: done.body,
        etag: done.etag,
        size: done.body.length,
        lastModified: new Date(),
        contentType: done.contentType,
      })
      return {
        status: 200,
        headers: { 'content-type': 'application/xml', etag: `"${done.etag}"` },
        body: completedDocument(target.bucket, target.key, done.etag),
      }
    }
    case 'AbortMultipartUpload':
      return state.uploads.abort(target.bucket, target.key, target.query.get('uploadId') ?? '')
    default:
      return { status: 501, error: { code: 'NotImplemented', message: 'This test server does not implement this operation.' } }
  }
}

function putObject(objects: Map<string, StoredObject>, key: string, req: IncomingMessage, body: Buffer): Reply {
  const md5 = createHash('md5').update(body).digest()
  const claimed = req.headers['content-md5']
  if (claimed !== undefined && claimed !== md5.toString('base64')) {
    return { status: 400, error: { code: 'InvalidDigest', message: 'The Content-MD5 you specified is not valid.' } }
  }
  const etag = md5.toString('hex').toUpperCase()
  const contentType = req.headers['content-type'] ?? 'application/octet-stream'
  objects.set(key, { key, body, etag, size: body.length, lastModified: new Date(), contentType })
  return { status: 200, headers: { etag: `"${etag}"` } }
}

/**
 * `x-oss-forbid-overwrite`: `true` refuses to replace an existing object, `false` or absent allows it,
 * anything else is a 400. A bucket with versioning Enabled or Suspended ignores the header, as OSS does.
 */
function forbidOverwrite(req: IncomingMessage, versioned: boolean): boolean | Reply {
  const value = req.headers['x-oss-forbid-overwrite']
  if (value === undefined) return false
  const text = String(value).toLowerCase()
  if (text !== 'true' && text !== 'false') return { status: 400, error: { code: 'InvalidArgument', message: 'x-oss-forbid-overwrite must be true or false.' } }
  return text === 'true' && !versioned
}

function fileAlreadyExists(): Reply {
  return { status: 409, error: { code: 'FileAlreadyExists', message: 'The object you specified already exists and can not be overwritten.' } }
}

function versioningDocument(status: string | undefined): Reply {
  const inner = status ? elements({ Status: status }) : ''
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: `${XML_DECLARATION}<VersioningConfiguration>${inner}</VersioningConfiguration>` }
}

function getObject(objects: Map<string, StoredObject>, key: string, range: string | undefined): Reply {
  const object = objects.get(key)
  if (!object) return noSuchKey(key)
  const headers = objectHeaders(object)
  const slice = parseRange(range, object.size)
  if (slice === 'unsatisfiable') {
    return {
      status: 416,
      headers: { 'content-range': `bytes */${object.size}` },
      error: { code: 'InvalidRange', message: 'The requested range cannot be satisfied.' },
    }
  }
  if (!slice) return { status: 200, headers, body: object.body }
  const [start, end] = slice
  const partial = { ...headers, 'content-range': `bytes ${start}-${end}/${object.size}`, 'content-length': String(end - start + 1) }
  return { status: 206, headers: partial, body: object.body.subarray(start, end + 1) }
}

/** OSS ignores malformed and multi-part ranges (whole object), and clamps the end. */
function parseRange(range: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range?.trim() ?? '')
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  const [, from, to] = match as unknown as [string, string, string]
  if (from === '') return size === 0 ? 'unsatisfiable' : [Math.max(0, size - Number(to)), size - 1]
  const start = Number(from)
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1)
  if (start >= size) return 'unsatisfiable'
  return end < start ? undefined : [start, end]
}

function headObject(objects: Map<string, StoredObject>, key: string): Reply {
  const object = objects.get(key)
  return object ? { status: 200, headers: objectHeaders(object) } : noSuchKey(key)
}

function objectHeaders(object: StoredObject): Record<string, string> {
  return {
    'content-type': object.contentType,
    'content-length': String(object.size),
    etag: `"${object.etag}"`,
    'last-modified': object.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    'x-oss-object-type': 'Normal',
    'x-oss-storage-class': 'Standard',
  }
}

function noSuchKey(key: string): Reply {
  return { status: 404, error: { code: 'NoSuchKey', message: 'The specified key does not exist.', extra: { Key: key } } }
}

function listObjects(objects: Map<string, StoredObject>, target: Target, v2: boolean): Reply {
  const query = parseListQuery(target.query, v2)
  if (typeof query === 'string') return { status: 400, error: { code: 'InvalidArgument', message: query } }
  const page = listPage(
    [...objects.values()].sort((a, b) => byteOrder(a.key, b.key)),
    query,
  )
  const render = v2 ? listV2Document : listV1Document
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: render(target.bucket!, target.query, query, page) }
}

/** HEAD answers carry no body, so errors travel base64-encoded in `x-oss-err`, as OSS does. */
function send(req: IncomingMessage, res: ServerResponse, reply: Reply, record: RecordedRequest, fault?: FaultKind): void {
  const errorXml = reply.error && errorDocument(reply.error, record.requestId, req.headers.host ?? '')
  const body = Buffer.from(errorXml ?? reply.body ?? '')
  const headers: Record<string, string> = {
    server: 'AliyunOSS',
    date: new Date().toUTCString(),
    'x-oss-request-id': record.requestId,
    'content-length': String(body.length),
    ...(errorXml ? { 'content-type': 'application/xml' } : {}),
    ...(errorXml && req.method === 'HEAD' ? { 'x-oss-err': Buffer.from(errorXml).toString('base64') } : {}),
    ...reply.headers,
  }
  record.status = reply.status
  res.writeHead(reply.status, headers)
  if (req.method === 'HEAD') return void res.end()
  record.bytesSent = fault === 'truncate' || fault === 'stall' ? Math.floor(body.length / 2) : body.length
  if (fault !== 'truncate' && fault !== 'stall') return void res.end(body)
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => fault === 'truncate' && req.socket.destroy())
}

function newRequestId(): string {
  return randomBytes(12).toString('hex').toUpperCase()
}
