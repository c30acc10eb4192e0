import { LEASE_DIR } from '../../lib/layout.js'
import type { ObjectInfo, Storage } from '../../lib/storage/types.js'
import { DelegatingStorage } from './delegating-storage.js'

/**
 * A real storage driver, except that the process "dies" just before its n-th write or delete. Writes
 * of partition leases are not counted: a crash there is the lease tests' subject (test/ledger/lease.test.ts),
 * and counting them would add three crash points per partition to a matrix that already runs long.
 */
export class CrashingStorage extends DelegatingStorage {
  mutations = 0
  constructor(
    inner: Storage,
    private readonly crashAt = Infinity,
  ) {
    super(inner)
  }
  override async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    this.tick(key)
    return this.inner.put(key, body)
  }
  override async putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    this.tick(key)
    return this.inner.putStream(key, body)
  }
  override async putIfAbsent(key: string, body: Uint8Array | string): Promise<ObjectInfo | undefined> {
    this.tick(key)
    return this.inner.putIfAbsent(key, body)
  }
  override async delete(key: string): Promise<void> {
    this.tick(key)
    return this.inner.delete(key)
  }
  /** Key by key: a multi-object delete is not atomic, so a crash may fall in the middle of one. */
  override async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.delete(key)
  }
  private tick(key: string): void {
    if (key.includes(LEASE_DIR)) return
    if (this.mutations++ === this.crashAt) throw new Error(`crashed before mutation ${this.crashAt}`)
  }
}
