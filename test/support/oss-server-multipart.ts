import { createHash, randomBytes } from 'node:crypto'
import type { OssErrorBody } from './oss-server-xml.js'
import { elements, XML_DECLARATION } from './oss-server-xml.js'

/** OSS refuses to complete an upload whose parts other than the last are smaller than this. */
export const MIN_PART_BYTES = 100 * 1024

export interface Upload {
  bucket: string
  key: string
  contentType: string
  parts: Map<number, { body: Buffer; etag: string }>
}

export interface MultipartReply {
  status: number
  headers?: Record<string, string>
  body?: string
  error?: OssErrorBody
}

/** What a completed upload hands back to be stored as the object. */
export interface Assembled {
  body: Buffer
  etag: string
  contentType: string
}

/** In-progress multipart uploads of one server: InitiateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload. */
export class Uploads {
  private readonly open = new Map<string, Upload>()

  /** Uploads neither completed nor aborted (what a lifecycle rule would clean up on real OSS). */
  get pending(): number {
    return this.open.size
  }

  initiate(bucket: string, key: string, contentType: string): MultipartReply {
    const uploadId = randomBytes(16).toString('hex').toUpperCase()
    this.open.set(uploadId, { bucket, key, contentType, parts: new Map() })
    const body = `${XML_DECLARATION}<InitiateMultipartUploadResult>${elements({ Bucket: bucket, Key: key, UploadId: uploadId })}</InitiateMultipartUploadResult>`
    return { status: 200, headers: { 'content-type': 'application/xml' }, body }
  }

  uploadPart(bucket: string, key: string, uploadId: string, partNumber: string, body: Buffer): MultipartReply {
    const upload = this.find(bucket, key, uploadId)
    if (!upload) return noSuchUpload(uploadId)
    const number = Number(partNumber)
    if (!Number.isInteger(number) || number < 1 || number > 10_000) {
      return { status: 400, error: { code: 'InvalidArgument', message: 'Part number must be an integer between 1 and 10000, inclusive.' } }
    }
    const etag = createHash('md5').update(body).digest('hex').toUpperCase()
    upload.parts.set(number, { body, etag })
    return { status: 200, headers: { etag: `"${etag}"` } }
  }

  /** Checks the listed parts the way OSS does; on success the upload is gone and its object returned. */
  complete(bucket: string, key: string, uploadId: string, xml: string): MultipartReply | Assembled {
    const upload = this.find(bucket, key, uploadId)
    if (!upload) return noSuchUpload(uploadId)
    const listed = [...xml.matchAll(/<Part>\s*<PartNumber>(\d+)<\/PartNumber>\s*<ETag>"?([^<"]*)"?<\/ETag>\s*<\/Part>/g)].map((m) => ({
      number: Number(m[1]),
      etag: m[2]!.toUpperCase(),
    }))
    if (listed.length === 0)
      return {
        status: 400,
        error: { code: 'MalformedXML', message: 'The XML you provided was not well-formed or did not validate against our published schema.' },
      }
    const bodies: Buffer[] = []
    for (let i = 0; i < listed.length; i++) {
      const { number, etag } = listed[i]!
      if (i > 0 && number <= listed[i - 1]!.number)
        return { status: 400, error: { code: 'InvalidPartOrder', message: 'The list of parts was not in ascending order.' } }
      const part = upload.parts.get(number)
      if (!part || part.etag !== etag)
        return {
          status: 400,
          error: {
            code: 'InvalidPart',
            message: "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
          },
        }
      if (i < listed.length - 1 && part.body.length < MIN_PART_BYTES)
        return { status: 400, error: { code: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed size.' } }
      bodies.push(part.body)
    }
    this.open.delete(uploadId)
    // OSS's multipart ETag: md5 of the parts' binary md5s, dash, part count.
    const digest = createHash('md5')
    for (const { etag } of listed) digest.update(Buffer.from(etag, 'hex'))
    return { body: Buffer.concat(bodies), etag: `${digest.digest('hex').toUpperCase()}-${listed.length}`, contentType: upload.contentType }
  }

  abort(bucket: string, key: string, uploadId: string): MultipartReply {
    if (!this.find(bucket, key, uploadId)) return noSuchUpload(uploadId)
    this.open.delete(uploadId)
    return { status: 204 }
  }

  private find(bucket: string, key: string, uploadId: string): Upload | undefined {
    const upload = this.open.get(uploadId)
    return upload && upload.bucket === bucket && upload.key === key ? upload : undefined
  }
}

export function completedDocument(bucket: string, key: string, etag: string): string {
  return `${XML_DECLARATION}<CompleteMultipartUploadResult>${elements({ Location: `${bucket}/${key}`, Bucket: bucket, Key: key, ETag: `"${etag}"` })}</CompleteMultipartUploadResult>`
}

function noSuchUpload(uploadId: string): MultipartReply {
  return {
    status: 404,
    error: {
      code: 'NoSuchUpload',
      message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      extra: { UploadId: uploadId },
    },
  }
}
