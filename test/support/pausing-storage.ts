import type { ObjectInfo, Storage } from '../../lib/storage/types.js'
import { DelegatingStorage } from './delegating-storage.js'

export type Mutation = 'put' | 'putIfAbsent' | 'delete'

/**
 * A real storage that stops the run using it just before the first write or delete `when` picks, until
 * `resume()`: a deterministic "this run is half-way" for races between two runs. `reached` resolves
 * once it stopped there. Reads are never stopped.
 */
export class PausingStorage extends DelegatingStorage {
  readonly reached: Promise<void>
  #arrive!: () => void
  #gate: Promise<void>
  #open!: () => void
  #armed = true

  constructor(
    inner: Storage,
    private readonly when: (op: Mutation, key: string) => boolean,
  ) {
    super(inner)
    this.reached = new Promise((resolve) => (this.#arrive = resolve))
    this.#gate = new Promise((resolve) => (this.#open = resolve))
  }

  resume(): void {
    this.#open()
  }

  private async stop(op: Mutation, key: string): Promise<void> {
    if (!this.#armed || !this.when(op, key)) return
    this.#armed = false
    this.#arrive()
    await this.#gate
  }

  override async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    await this.stop('put', key)
    return this.inner.put(key, body)
  }
  override async putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    await this.stop('put', key)
    return this.inner.putStream(key, body)
  }
  override async putIfAbsent(key: string, body: Uint8Array | string): Promise<ObjectInfo | undefined> {
    await this.stop('putIfAbsent', key)
    return this.inner.putIfAbsent(key, body)
  }
  override async delete(key: string): Promise<void> {
    await this.stop('delete', key)
    return this.inner.delete(key)
  }
  override async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.stop('delete', key)
    return this.inner.deleteMany(keys)
  }
}
