/** An async iterable of items (batches of keys, from the pool) that arrive one by one until `end`. */
export class KeyQueue<T = string> implements AsyncIterable<T> {
  private readonly keys: T[] = []
  private waiting: ((result: IteratorResult<T>) => void) | undefined
  private ended = false

  push(key: T): void {
    if (this.waiting) {
      const resolve = this.waiting
      this.waiting = undefined
      resolve({ value: key, done: false })
    } else this.keys.push(key)
  }

  end(): void {
    this.ended = true
    if (this.waiting) {
      const resolve = this.waiting
      this.waiting = undefined
      resolve({ value: undefined, done: true })
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const key = this.keys.shift()
        if (key !== undefined) return Promise.resolve({ value: key, done: false })
        if (this.ended) return Promise.resolve({ value: undefined, done: true })
        // The worker takes one item at a time, so one waiter at a time is enough.
        return new Promise((resolve) => (this.waiting = resolve))
      },
    }
  }
}
