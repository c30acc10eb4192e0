import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { NotFoundError } from '../errors.js'
import { pageOf } from './page.js'
import type { ListOptions, ListPage, ObjectInfo, Storage } from './types.js'

interface Stored {
  body: Buffer
  info: ObjectInfo
}

/** In-process storage for tests and for staging. */
export class MemoryStorage implements Storage {
  readonly description = 'memory:'
  private readonly objects = new Map<string, Stored>()

  async get(key: string): Promise<Readable> {
    const stored = this.objects.get(key)
    if (!stored) throw new NotFoundError(key, this.description)
    return Readable.from([stored.body])
  }

  async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    const buffer = Buffer.from(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    const etag = createHash('md5').update(buffer).digest('hex').toUpperCase()
    const info = { key, size: buffer.length, etag, lastModified: new Date() }
    this.objects.set(key, { body: buffer, info })
    return { ...info }
  }

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<ObjectInfo | undefined> {
    return this.objects.has(key) ? undefined : this.put(key, body)
  }

  /** Buffers the whole body: this driver holds everything in memory anyway. */
  async putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    const chunks: Uint8Array[] = []
    for await (const chunk of body) chunks.push(chunk)
    return this.put(key, Buffer.concat(chunks))
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const stored = this.objects.get(key)
    return stored && { ...stored.info }
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key)
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key)
  }

  async list(prefix: string, options?: ListOptions): Promise<ListPage> {
    const sorted = [...this.objects.values()].map((s) => s.info).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    return pageOf(sorted, prefix, options)
  }
}
