/**
 * Bytes handed from a synchronous producer (the Parquet encoder) to an asynchronous consumer (a
 * streamed upload). The producer never blocks; it asks `room` how long to wait before producing more.
 */
export class ByteChannel implements AsyncIterable<Uint8Array> {
  private queue: Uint8Array[] = []
  /** Bytes pushed and not yet taken by the consumer. */
  queuedBytes = 0
  private ended = false
  private failure: { error: unknown } | undefined
  private wakeConsumer: (() => void) | undefined
  private waitingProducers: { below: number; resolve: () => void; reject: (error: unknown) => void }[] = []

  push(bytes: Uint8Array): void {
    if (this.failure) throw this.failure.error
    if (this.ended) throw new Error('push after end')
    if (bytes.length === 0) return
    this.queue.push(bytes)
    this.queuedBytes += bytes.length
    this.wake()
  }

  end(): void {
    this.ended = true
    this.wake()
  }

  /** Producer or consumer gave up: the consumer's iteration throws, waiting producers are released with the error. */
  fail(error: unknown): void {
    if (this.failure) return
    this.failure = { error }
    this.queue = []
    this.queuedBytes = 0
    this.wake()
    for (const waiter of this.waitingProducers.splice(0)) waiter.reject(error)
  }

  /** Resolves once fewer than `below` bytes are queued (at once when they already are). */
  room(below: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure.error)
    if (this.queuedBytes < below) return Promise.resolve()
    return new Promise((resolve, reject) => this.waitingProducers.push({ below, resolve, reject }))
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (this.failure) throw this.failure.error
      const next = this.queue.shift()
      if (next) {
        this.queuedBytes -= next.length
        this.releaseProducers()
        yield next
        continue
      }
      if (this.ended) return
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve))
    }
  }

  private wake(): void {
    const wake = this.wakeConsumer
    this.wakeConsumer = undefined
    wake?.()
  }

  private releaseProducers(): void {
    this.waitingProducers = this.waitingProducers.filter((waiter) => {
      if (this.queuedBytes >= waiter.below) return true
      waiter.resolve()
      return false
    })
  }
}
