import type { Readable } from 'node:stream'
import type { ListOptions, ListPage, ObjectInfo, Storage } from '../../lib/storage/types.js'

/** Passes every call to `inner`: test storages extend it and override only what they change. */
export class DelegatingStorage implements Storage {
  constructor(protected readonly inner: Storage) {}
  get description(): string {
    return this.inner.description
  }
  get(key: string): Promise<Readable> {
    return this.inner.get(key)
  }
  head(key: string): Promise<ObjectInfo | undefined> {
    return this.inner.head(key)
  }
  list(prefix: string, options?: ListOptions): Promise<ListPage> {
    return this.inner.list(prefix, options)
  }
  put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    return this.inner.put(key, body)
  }
  putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    return this.inner.putStream(key, body)
  }
  putIfAbsent(key: string, body: Uint8Array | string): Promise<ObjectInfo | undefined> {
    return this.inner.putIfAbsent(key, body)
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key)
  }
  deleteMany(keys: readonly string[]): Promise<void> {
    return this.inner.deleteMany(keys)
  }
}
