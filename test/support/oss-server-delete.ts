import { createHash } from 'node:crypto'
import { elements, type OssErrorBody, XML_DECLARATION } from './oss-server-xml.js'

/** OSS refuses a DeleteMultipleObjects request naming more keys than this. */
export const MAX_DELETE_KEYS = 1000

export interface DeleteReply {
  status: number
  headers?: Record<string, string>
  body?: string
  error?: OssErrorBody
}

const MALFORMED: OssErrorBody = {
  code: 'MalformedXML',
  message: 'The XML you provided was not well-formed or did not validate against our published schema.',
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/**
 * `POST /?delete`: the body `<Delete><Quiet>..</Quiet><Object><Key>..</Key></Object>...</Delete>`, checked
 * as OSS does (Content-MD5 required and matching, 1 to 1,000 keys). Missing keys count as deleted. The
 * answer lists every deleted key, or nothing in quiet mode.
 */
export function deleteMultiple(objects: Map<string, unknown>, body: Buffer, contentMd5: string | undefined): DeleteReply {
  if (!contentMd5)
    return { status: 400, error: { code: 'MissingArgument', message: 'Missing Some Required Arguments.', extra: { ArgumentName: 'Content-MD5' } } }
  if (contentMd5 !== createHash('md5').update(body).digest('base64'))
    return { status: 400, error: { code: 'InvalidDigest', message: 'The Content-MD5 you specified is not valid.' } }
  const xml = body.toString('utf8')
  if (!/<Delete>[\s\S]*<\/Delete>/.test(xml)) return { status: 400, error: MALFORMED }
  const keys = keysToDelete(body)
  if (keys.length === 0 || keys.length > MAX_DELETE_KEYS) return { status: 400, error: MALFORMED }
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(xml)
  for (const key of keys) objects.delete(key)
  const deleted = quiet ? '' : keys.map((key) => `<Deleted>${elements({ Key: key })}</Deleted>`).join('')
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: `${XML_DECLARATION}<DeleteResult>${deleted}</DeleteResult>` }
}

/** The keys a DeleteMultipleObjects body names. */
export function keysToDelete(body: Buffer): string[] {
  return [...body.toString('utf8').matchAll(/<Object>\s*<Key>([^<]*)<\/Key>[\s\S]*?<\/Object>/g)].map((m) => unescapeXml(m[1]!))
}

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16))
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)))
    return ENTITIES[name]!
  })
}
