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
        () => { running.delete(run) },
        (error: unknown) => { running.delete(run); failure ??= { error } },
      )
      running.add(run)
    },
    async drain() {
      await Promise.all(running)
      if (failure) throw failure.error
    },
  }
}
