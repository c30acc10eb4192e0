import { elements, XML_DECLARATION } from './oss-server-xml.js'

export interface ListedObject {
  key: string
  size: number
  /** Uppercase MD5 hex, unquoted. */
  etag: string
  lastModified: Date
}

export interface ListQuery {
  prefix: string
  delimiter: string
  /** List keys strictly after this (marker, start-after, or the decoded continuation token). */
  after?: string
  maxKeys: number
}

export interface Listing {
  objects: ListedObject[]
  prefixes: string[]
  /** The last key or common prefix returned, when more entries follow. */
  next?: string
}

const OWNER = elements({ ID: '1234567890', DisplayName: '1234567890' })

/** OSS orders keys by their UTF-8 bytes, which differs from UTF-16 order above U+FFFF. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** One page; entries (objects and common prefixes) count against maxKeys together. */
export function listPage(sorted: ListedObject[], query: ListQuery): Listing {
  const page: Listing = { objects: [], prefixes: [] }
  let last: string | undefined
  for (const object of sorted) {
    if (!object.key.startsWith(query.prefix)) continue
    if (query.after !== undefined && byteOrder(object.key, query.after) <= 0) continue
    const common = commonPrefix(object.key, query)
    // A marker equal to a common prefix means "that whole group was already returned".
    if (common !== undefined && (common === query.after || common === page.prefixes.at(-1))) continue
    if (page.objects.length + page.prefixes.length === query.maxKeys) return { ...page, next: last }
    if (common === undefined) page.objects.push(object)
    else page.prefixes.push(common)
    last = common ?? object.key
  }
  return page
}

function commonPrefix(key: string, query: ListQuery): string | undefined {
  if (!query.delimiter) return undefined
  const cut = key.indexOf(query.delimiter, query.prefix.length)
  return cut < 0 ? undefined : key.slice(0, cut + query.delimiter.length)
}

/** Parses list parameters; returns an error message for values OSS rejects. */
export function parseListQuery(params: URLSearchParams, v2: boolean): ListQuery | string {
  const maxKeys = Number(params.get('max-keys') ?? 100)
  if (!Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys > 1000) return 'max-keys must be an integer between 1 and 1000.'
  const base = { prefix: params.get('prefix') ?? '', delimiter: params.get('delimiter') ?? '', maxKeys }
  if (!v2) return { ...base, after: params.get('marker') || undefined }
  const token = params.get('continuation-token')
  if (token) return { ...base, after: decodeToken(token) }
  return { ...base, after: params.get('start-after') || undefined }
}

export function encodeToken(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url')
}

function decodeToken(token: string): string {
  return Buffer.from(token, 'base64url').toString('utf8')
}

export function listV1Document(bucket: string, params: URLSearchParams, query: ListQuery, page: Listing): string {
  const head = elements({
    Name: bucket,
    Prefix: query.prefix,
    Marker: params.get('marker') ?? '',
    MaxKeys: query.maxKeys,
    Delimiter: query.delimiter,
    IsTruncated: page.next !== undefined,
    NextMarker: page.next,
  })
  return document(head + contents(page, true) + commonPrefixes(page))
}

export function listV2Document(bucket: string, params: URLSearchParams, query: ListQuery, page: Listing): string {
  const head = elements({
    Name: bucket,
    Prefix: query.prefix,
    StartAfter: params.get('start-after') ?? undefined,
    ContinuationToken: params.get('continuation-token') ?? undefined,
    MaxKeys: query.maxKeys,
    Delimiter: query.delimiter,
    IsTruncated: page.next !== undefined,
    NextContinuationToken: page.next === undefined ? undefined : encodeToken(page.next),
    KeyCount: page.objects.length + page.prefixes.length,
  })
  return document(head + contents(page, params.get('fetch-owner') === 'true') + commonPrefixes(page))
}

function contents(page: Listing, withOwner: boolean): string {
  return page.objects
    .map((object) => {
      const fields = elements({
        Key: object.key,
        LastModified: object.lastModified.toISOString(),
        ETag: `"${object.etag}"`,
        Type: 'Normal',
        Size: object.size,
        StorageClass: 'Standard',
      })
      return `<Contents>${fields}${withOwner ? `<Owner>${OWNER}</Owner>` : ''}</Contents>`
    })
    .join('')
}

function commonPrefixes(page: Listing): string {
  return page.prefixes.map((prefix) => `<CommonPrefixes>${elements({ Prefix: prefix })}</CommonPrefixes>`).join('')
}

function document(body: string): string {
  return `${XML_DECLARATION}<ListBucketResult>${body}</ListBucketResult>`
}
