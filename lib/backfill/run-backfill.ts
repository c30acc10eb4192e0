import type { Pipeline } from '../pipeline.js'
import { type Outcome, processArchives, type RunOptions, type RunSummary } from '../run-archives.js'
import { DayTally } from './day-tally.js'
import { type DayPlan, type PendingArchive, planWindow } from './plan.js'
import type { DayWindow } from './window.js'

export interface BackfillOptions {
  sourcePrefix: string
  window: DayWindow
  concurrency?: number
  /** Reprocess archives that are already done. */
  force?: boolean
  /** Checked before each day is listed and each archive starts; in-flight archives finish. */
  stopRequested?: () => boolean
  onDayPlanned?: (day: DayPlan) => void
  onPlanned?: (plan: WindowPlan) => void
  onOutcome?: (outcome: Outcome) => void
  /** How the pending archives are run; default in-process. The CLI passes the worker-thread pool. */
  runArchives?: (keys: string[], options: RunOptions) => Promise<RunSummary>
}

export interface WindowPlan {
  days: number
  listed: number
  done: number
  pending: PendingArchive[]
  others: string[]
  /** False when a stop came before every day of the window was listed. */
  complete: boolean
  millis: number
}

export interface BackfillSummary {
  window: DayWindow
  plan: Omit<WindowPlan, 'pending'> & { pending: number; pendingBytes: number }
  run: RunSummary
  /** A stop came before the whole window was listed or before every pending archive had started. */
  stopped: boolean
  millis: number
}

/**
 * Lists the window, skips archives that are done, and processes the rest with bounded
 * concurrency. The manifests are the checkpoint: a rerun after a stop or a crash starts over the
 * listing and finds the finished archives done.
 */
export async function runBackfill(pipeline: Pipeline, options: BackfillOptions): Promise<BackfillSummary> {
  const started = Date.now()
  const plan = await planAll(pipeline, options)
  options.onPlanned?.(plan)
  const runArchives = options.runArchives ?? ((keys, runOptions) => processArchives(pipeline, keys, runOptions))
  const run = await runArchives(
    plan.pending.map((p) => p.key),
    {
      concurrency: options.concurrency,
      force: options.force,
      stopRequested: options.stopRequested,
      onOutcome: options.onOutcome,
    },
  )
  const { pending, ...counts } = plan
  return {
    window: options.window,
    plan: { ...counts, pending: pending.length, pendingBytes: pending.reduce((sum, p) => sum + p.size, 0) },
    run,
    stopped: !plan.complete || run.archives < pending.length,
    millis: Date.now() - started,
  }
}

async function planAll(pipeline: Pipeline, options: BackfillOptions): Promise<WindowPlan> {
  const started = Date.now()
  const tally = new DayTally()
  const pending: PendingArchive[] = []
  const others: string[] = []
  let complete = true
  const days = planWindow(pipeline.source, pipeline.dest, { ...options, destPrefix: pipeline.destPrefix })
  for await (const day of days) {
    tally.add(day)
    pending.push(...day.pending)
    others.push(...day.others)
    options.onDayPlanned?.(day)
    if (options.stopRequested?.() && day.day !== options.window.to) {
      complete = false
      break
    }
  }
  return { days: tally.days, listed: tally.listed, done: tally.done, pending, others, complete, millis: Date.now() - started }
}
