import { createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { OssErrorBody } from './oss-server-xml.js'

export interface OssCredentials {
  accessKeyId: string
  accessKeySecret: string
  /** When set, requests must carry it as `x-oss-security-token` (STS credentials). */
  securityToken?: string
}

export interface SignedRequest {
  method: string
  headers: IncomingHttpHeaders
  /** `/<bucket>/<key>` with the key decoded; `/<bucket>/` for bucket operations. */
  resource: string
  query: URLSearchParams
}

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000

/** Query parameters OSS V1 signs as sub-resources; every other query parameter is unsigned. */
const SUB_RESOURCES = new Set([
  'acl',
  'append',
  'bucketInfo',
  'callback',
  'callback-var',
  'cname',
  'comp',
  'continuation-token',
  'cors',
  'delete',
  'encryption',
  'endTime',
  'img',
  'inventory',
  'inventoryId',
  'lifecycle',
  'live',
  'location',
  'logging',
  'objectMeta',
  'partNumber',
  'policy',
  'position',
  'qos',
  'referer',
  'replication',
  'requestPayment',
  'restore',
  'security-token',
  'sequential',
  'startTime',
  'stat',
  'status',
  'style',
  'styleName',
  'symlink',
  'tagging',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'vod',
  'website',
  'worm',
  'wormExtend',
  'wormId',
  'x-oss-process',
  'x-oss-traffic-limit',
])

export function isSubResource(name: string): boolean {
  return SUB_RESOURCES.has(name) || name.startsWith('response-')
}

/**
 * Checks `Authorization: OSS <AccessKeyId>:<Signature>` the way OSS does, in the same order:
 * key id, date, signature, security token. Returns the refusal, or undefined when the request is signed.
 */
export function verifyV1(request: SignedRequest, credentials: OssCredentials, tokenExpired: boolean, now = Date.now()): OssErrorBody | undefined {
  const match = /^OSS ([^:\s]+):(\S+)$/.exec(header(request.headers, 'authorization'))
  if (!match) return { code: 'AccessDenied', message: 'You have no right to access this object because of bucket acl.' }
  const [, keyId, signature] = match as unknown as [string, string, string]
  if (keyId !== credentials.accessKeyId) {
    return { code: 'InvalidAccessKeyId', message: 'The OSS Access Key Id you provided does not exist in our records.', extra: { OSSAccessKeyId: keyId } }
  }
  const skew = checkDate(request.headers, now)
  if (skew) return skew
  const stringToSign = canonicalString(request)
  if (!sameText(signatureOf(credentials.accessKeySecret, stringToSign), signature)) {
    return {
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      extra: { StringToSign: stringToSign, SignatureProvided: signature, OSSAccessKeyId: keyId },
    }
  }
  return checkToken(request.headers, credentials, tokenExpired)
}

export function canonicalString(request: SignedRequest): string {
  const { headers } = request
  const ossHeaders = Object.keys(headers)
    .filter((name) => name.startsWith('x-oss-'))
    .sort()
    .map((name) => `${name}:${header(headers, name).trim()}`)
  const lines = [request.method, header(headers, 'content-md5'), header(headers, 'content-type'), signedDate(headers), ...ossHeaders]
  return [...lines, canonicalResource(request.resource, request.query)].join('\n')
}

function canonicalResource(resource: string, query: URLSearchParams): string {
  const signed = [...new Set(query.keys())].filter(isSubResource).sort()
  if (signed.length === 0) return resource
  return `${resource}?${signed.map((name) => (query.get(name) ? `${name}=${query.get(name)}` : name)).join('&')}`
}

export function signatureOf(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(Buffer.from(stringToSign, 'utf8')).digest('base64')
}

/** ali-oss puts the date in `x-oss-date` and signs that value in the Date slot. */
function signedDate(headers: IncomingHttpHeaders): string {
  return header(headers, 'x-oss-date') || header(headers, 'date')
}

function checkDate(headers: IncomingHttpHeaders, now: number): OssErrorBody | undefined {
  const time = Date.parse(signedDate(headers))
  if (Number.isNaN(time)) return { code: 'AccessDenied', message: 'OSS authentication requires a valid Date.' }
  if (Math.abs(now - time) <= MAX_CLOCK_SKEW_MS) return undefined
  return { code: 'RequestTimeTooSkewed', message: 'The difference between the request time and the current time is too large.' }
}

/** Real OSS echoes the token in these errors, which is why clients must not log raw error bodies. */
function checkToken(headers: IncomingHttpHeaders, credentials: OssCredentials, tokenExpired: boolean): OssErrorBody | undefined {
  if (credentials.securityToken === undefined) return undefined
  const token = header(headers, 'x-oss-security-token')
  if (token !== credentials.securityToken) {
    return { code: 'InvalidSecurityToken', message: 'The security token you provided is invalid.', extra: { SecurityToken: token } }
  }
  if (tokenExpired) return { code: 'SecurityTokenExpired', message: 'The security token you provided has expired.', extra: { SecurityToken: token } }
  return undefined
}

/** Node decodes header bytes as latin1; clients sign UTF-8. */
function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name]
  if (value === undefined) return ''
  return Buffer.from(Array.isArray(value) ? value.join(',') : value, 'latin1').toString('utf8')
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
