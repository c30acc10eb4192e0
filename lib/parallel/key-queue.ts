/** An async iterable of keys that arrive one by one (from the pool) until `end`. */
export class KeyQueue implements AsyncIterable<string> {
  private readonly keys: string[] = []
  private waiting: ((result: IteratorResult<string>) => void) | undefined
  private ended = false

  push(key: string): void {
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

  [Symbol.asyncIterator](): AsyncIterator<string> {
    return {
      next: () => {
        const key = this.keys.shift()
        if (key !== undefined) return Promise.resolve({ value: key, done: false })
        if (this.ended) return Promise.resolve({ value: undefined, done: true })
        // processArchives serialises next() calls, so one waiter at a time is enough.
        return new Promise((resolve) => (this.waiting = resolve))
      },
    }
  }
}
