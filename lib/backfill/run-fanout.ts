import { addDays } from '../util/days.js'
import { continueLater, finishWindow } from './continuation.js'
import { BatchDispatcher } from './fanout.js'
import type { FcBackfillResult } from './fc-result.js'
import type { DayPlan } from './plan.js'
import type { WindowRun } from './window-run.js'

/** Hands the pending archives to the worker function in batches, day by day, while time lasts. */
export async function runFanout(run: WindowRun, listed: DayPlan[], more: AsyncIterator<DayPlan> | undefined): Promise<FcBackfillResult> {
  const { deps, checkpoint } = run
  const dispatcher = new BatchDispatcher(deps.invoker, deps.workerName, deps.fanoutBatchSize, deps.log)
  let lastDay: string | undefined
  const dispatchDay = async (day: DayPlan) => {
    await dispatcher.addDay(day.pending.map((p) => p.key))
    lastDay = day.day
  }
  for (const day of listed) await dispatchDay(day)
  while (more && !run.stopListing()) {
    const next = await more.next()
    if (next.done) break
    run.tally.add(next.value)
    await dispatchDay(next.value)
  }
  await dispatcher.flush()
  checkpoint.stats.batches += dispatcher.batches
  checkpoint.stats.dispatched += dispatcher.dispatched
  checkpoint.mode = 'fanout'
  if (lastDay !== undefined && lastDay < run.window.to) return continueLater(run, addDays(lastDay, 1), 'fanout')
  return finishWindow(run, 'fanout', [])
}
