import { ASYNC_PAYLOAD_LIMIT, type Invoker } from '../fc/invoker.js'
import type { Logger } from '../log.js'

/** Room left in an asynchronous payload for the JSON around the keys. */
const PAYLOAD_BUDGET = ASYNC_PAYLOAD_LIMIT - 1024

/**
 * Collects archive keys and hands them to the worker function in batches of `batchSize`, one FC
 * asynchronous invocation `{"batch": [...]}` each; a batch is also cut short before it outgrows
 * FC's asynchronous payload limit. Each key added is sent exactly once.
 *
 * Keys come a delivery day at a time, and a day that fits in a batch is not split: each batch writes one
 * file per partition it touches, so a day in one batch is a day with one file per partition.
 */
export class BatchDispatcher {
  private buffer: string[] = []
  private bufferBytes = 0
  batches = 0
  dispatched = 0

  constructor(
    private readonly invoker: Invoker,
    private readonly worker: string,
    private readonly batchSize: number,
    private readonly log: Logger,
  ) {}

  async addDay(keys: readonly string[]): Promise<void> {
    const sizes = keys.map((key) => JSON.stringify(key).length + 1)
    const bytes = sizes.reduce((total, size) => total + size, 0)
    const fits = keys.length <= this.batchSize && bytes <= PAYLOAD_BUDGET
    if (fits && this.buffer.length > 0 && (this.buffer.length + keys.length > this.batchSize || this.bufferBytes + bytes > PAYLOAD_BUDGET)) await this.send()
    for (const [i, key] of keys.entries()) {
      if (this.buffer.length > 0 && this.bufferBytes + sizes[i]! > PAYLOAD_BUDGET) await this.send()
      this.buffer.push(key)
      this.bufferBytes += sizes[i]!
      if (this.buffer.length >= this.batchSize) await this.send()
    }
  }

  /** Sends what is left as a last, smaller batch. */
  async flush(): Promise<void> {
    if (this.buffer.length > 0) await this.send()
  }

  private async send(): Promise<void> {
    const batch = this.buffer
    this.buffer = []
    this.bufferBytes = 0
    const { requestId } = await this.invoker.invokeAsync(this.worker, { batch })
    this.batches++
    this.dispatched += batch.length
    this.log.info('backfill batch dispatched', { worker: this.worker, archives: batch.length, first: batch[0], fcRequestId: requestId })
  }
}
