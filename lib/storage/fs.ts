import { createReadStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { NotFoundError, PermanentError } from '../errors.js'
import { pageOf } from './page.js'
import type { ListOptions, ListPage, ObjectInfo, Storage } from './types.js'

const TEMP_NAME = /^\..+\.tmp-[0-9a-f]{12}$/

/** A local folder used as a bucket: key `a/b.gz` is the file `<root>/a/b.gz`. */
export class FsStorage implements Storage {
  readonly description: string

  constructor(readonly root: string) {
    this.root = path.resolve(root)
    this.description = this.root
  }

  private pathOf(key: string): string {
    const resolved = path.resolve(this.root, key)
    if (key.startsWith('/') || !resolved.startsWith(this.root + path.sep)) {
      throw new PermanentError(`key "${key}" lies outside ${this.root}`)
    }
    return resolved
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key)
    const info = await stat(file).catch(() => undefined)
    if (!info?.isFile()) throw new NotFoundError(key, this.description)
    return createReadStream(file, { highWaterMark: 1 << 20 })
  }

  put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    return this.writeBeside(key, (temp) => writeFile(temp, body))
  }

  putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    return this.writeBeside(key, async (temp) => {
      const handle = await open(temp, 'w')
      try {
        for await (const chunk of body) await handle.write(chunk)
      } finally {
        await handle.close()
      }
    })
  }

  /** Writes a temporary file beside `key`'s, then renames it: readers never see a half-written file. */
  private async writeBeside(key: string, write: (temp: string) => Promise<void>): Promise<ObjectInfo> {
    const file = this.pathOf(key)
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${randomBytes(6).toString('hex')}`)
    try {
      // Creating the temporary file fails before any byte is taken from a stream, so a retry is safe.
      await write(temp).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error
        await mkdir(path.dirname(file), { recursive: true }) // only when the folder is new
        await write(temp)
      })
      await rename(temp, file)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
    return (await this.head(key))!
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const info = await stat(this.pathOf(key)).catch(() => undefined)
    if (!info?.isFile()) return undefined
    return infoOf(key, info.size, info.mtimeMs)
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true })
  }

  async list(prefix: string, options?: ListOptions): Promise<ListPage> {
    const cut = prefix.lastIndexOf('/')
    const base = cut >= 0 ? prefix.slice(0, cut + 1) : ''
    const found: ObjectInfo[] = []
    await this.walk(base, prefix, options?.delimiter === '/', found)
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    return pageOf(found, prefix, options)
  }

  /** Collects objects under folder `dir` (a key prefix ending in `/` or empty) that match `prefix`. */
  private async walk(dir: string, prefix: string, shallow: boolean, found: ObjectInfo[]): Promise<void> {
    const entries = await readdir(dir ? this.pathOf(dir) : this.root, { withFileTypes: true }).catch(() => [])
    for (const entry of entries) {
      const key = dir + entry.name
      if (entry.isDirectory()) {
        const folder = key + '/'
        if (!(folder.startsWith(prefix) || prefix.startsWith(folder))) continue
        // With a `/` delimiter one marker object per sub-folder is enough for pageOf to group it.
        if (shallow && folder.startsWith(prefix)) found.push({ key: folder + '\0', size: 0, etag: '' })
        else await this.walk(folder, prefix, shallow, found)
      } else if (entry.isFile() && key.startsWith(prefix) && !TEMP_NAME.test(entry.name)) {
        const info = await stat(this.pathOf(key)).catch(() => undefined)
        if (info) found.push(infoOf(key, info.size, info.mtimeMs))
      }
    }
  }
}

function infoOf(key: string, size: number, mtimeMs: number): ObjectInfo {
  // A cheap version tag: changes when the file is rewritten, stable otherwise.
  const etag = `${size.toString(16)}-${Math.round(mtimeMs * 1000).toString(16)}`.toUpperCase()
  return { key, size, etag, lastModified: new Date(mtimeMs) }
}
