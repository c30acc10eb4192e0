/**
 * Runs async tasks with at most `limit` in flight. `add` waits while the limit is reached;
 * `drain` waits for all and rethrows the first failure. A failure never goes unhandled, and is only
 * rethrown once every started task has settled.
 */
export function boundedTasks(limit: number): { add(task: () => Promise<unknown>): Promise<void>; drain(): Promise<void> } {
  const running = new Set<Promise<void>>()
  let failure: { error: unknown } | undefined
  return {
    async add(task) {
      while (running.size >= limit && !failure) await Promise.race(running)
      if (failure) {
        // Let the others settle first: nothing may still be writing once the caller sees the failure.
        await Promise.all(running)
        throw failure.error
      }
      const run: Promise<void> = task().then(
        () => {
          running.delete(run)
        },
        (error: unknown) => {
          running.delete(run)
          failure ??= { error }
        },
      )
      running.add(run)
    },
    async drain() {
      await Promise.all(running)
      if (failure) throw failure.error
    },
  }
}

/**
 * Calls `fn` for the items of `items` (a list, a generator or a paged listing), at most `limit` at once,
 * in item order. Before taking each next item it asks `stop`; once that says true no new call starts.
 */
export async function forEachLimit<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  stop?: () => boolean,
): Promise<void> {
  const iterator = serialIterator(items)
  let index = 0
  const lane = async () => {
    for (;;) {
      if (stop?.()) return
      const next = await iterator.next()
      if (next.done) return
      await fn(next.value, index++)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, limit) }, lane))
}

/** `fn` over `items` with at most `limit` calls in flight; results keep the order of `items`. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  if (items.length > 0)
    await forEachLimit(items, Math.min(limit, items.length), async (item, index) => {
      results[index] = await fn(item)
    })
  return results
}

/** One iterator shared by several lanes: next() calls are serialised. */
function serialIterator<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> {
  const iterator = Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]()
  let chain: Promise<unknown> = Promise.resolve()
  return {
    next: () => {
      const result = chain.then(() => iterator.next())
      chain = result.catch(() => undefined)
      return result as Promise<IteratorResult<T>>
    },
  }
}
