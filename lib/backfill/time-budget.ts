/** What is left of an FC invocation's time, and how much of it to keep back for the work in flight. */
export interface TimeBudget {
  /** Milliseconds until FC stops this invocation. */
  remainingMs: () => number
  marginMs: number
}

/**
 * The FC backfill's one time-budget check, as a stop rule: the first look lets work start (so every
 * invocation makes progress), each later look says stop once less than the margin is left.
 */
export function stopWhenLow(budget: TimeBudget): () => boolean {
  let allowed = 0
  return () => {
    if (allowed > 0 && budget.remainingMs() < budget.marginMs) return true
    allowed++
    return false
  }
}
