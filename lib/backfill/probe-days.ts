import type { DayPlan } from './plan.js'
import type { WindowRun } from './window-run.js'

/**
 * Lists days until more than the fan-out threshold is pending, the window ends, or time runs
 * low (after at least one day, so every invocation moves on).
 */
export async function probeDays(run: WindowRun, days: AsyncIterator<DayPlan>): Promise<{ days: DayPlan[]; exhausted: boolean }> {
  const listed: DayPlan[] = []
  let pending = 0
  while (pending <= run.deps.fanoutThreshold) {
    if (run.stopListing()) return { days: listed, exhausted: false }
    const next = await days.next()
    if (next.done) return { days: listed, exhausted: true }
    run.tally.add(next.value)
    listed.push(next.value)
    pending += next.value.pending.length
  }
  return { days: listed, exhausted: listed.at(-1)?.day === run.window.to }
}
