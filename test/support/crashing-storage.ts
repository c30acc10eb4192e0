import type { ListOptions, ObjectInfo, Storage } from '../../lib/storage/types.js'

/** A real storage driver, except that the process "dies" just before its n-th write or delete (from 0). */
export class CrashingStorage implements Storage {
  mutations = 0
  constructor(
    private readonly inner: Storage,
    private readonly crashAt = Infinity,
  ) {}
  get description(): string {
    return this.inner.description
  }
  get(key: string) {
    return this.inner.get(key)
  }
  head(key: string): Promise<ObjectInfo | undefined> {
    return this.inner.head(key)
  }
  list(prefix: string, options?: ListOptions) {
    return this.inner.list(prefix, options)
  }
  async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    this.tick()
    return this.inner.put(key, body)
  }
  async putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    this.tick()
    return this.inner.putStream(key, body)
  }
  async putIfAbsent(key: string, body: Uint8Array | string): Promise<ObjectInfo | undefined> {
    this.tick()
    return this.inner.putIfAbsent(key, body)
  }
  async delete(key: string): Promise<void> {
    this.tick()
    return this.inner.delete(key)
  }
  /** Key by key: a multi-object delete is not atomic, so a crash may fall in the middle of one. */
  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.delete(key)
  }
  /** Once crashed, every later write or delete fails too (a dead process runs no clean-up, a lease release included). */
  private tick(): void {
    if (this.mutations++ >= this.crashAt) throw new Error(`crashed before mutation ${this.crashAt}`)
  }
}
