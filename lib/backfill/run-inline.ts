import { type Outcome, processArchives } from '../run-archives.js'
import { addTotals } from '../util/totals.js'
import { statsOfRun } from './checkpoint.js'
import { continueLater, finishWindow } from './continuation.js'
import type { FcBackfillResult } from './fc-result.js'
import type { DayPlan } from './plan.js'
import { stopWhenLow } from './time-budget.js'
import type { WindowRun } from './window-run.js'

/** Processes the listed days' pending archives in this invocation; when time runs low, continues in a new one. */
export async function runInline(run: WindowRun, days: DayPlan[]): Promise<FcBackfillResult> {
  const { deps } = run
  const dayOf = new Map(days.flatMap((day) => day.pending.map((p) => [p.key, day.day] as const)))
  const unfinished = new Set(dayOf.keys())
  const summary = await processArchives(deps.pipeline, [...dayOf.keys()], {
    concurrency: deps.concurrency,
    stopRequested: stopWhenLow(deps),
    onOutcome: (outcome: Outcome) => {
      if (!(outcome.status === 'failed' && outcome.retryable)) unfinished.delete(outcome.key)
    },
  })
  addTotals(run.checkpoint.stats, statsOfRun(summary))
  run.checkpoint.mode = 'inline'
  if (summary.archives < dayOf.size) {
    // Restart at the earliest day with an archive not started (or failed): its done archives are skipped by manifest.
    const nextDay = [...unfinished].map((key) => dayOf.get(key)!).sort()[0]
    return continueLater(run, nextDay, 'inline')
  }
  return finishWindow(run, 'inline', [...unfinished])
}
