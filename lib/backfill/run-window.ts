import { InvalidEventError } from '../errors.js'
import type { FcBackfillDeps } from '../fc/backfill-deps.js'
import { normalizePrefix } from '../location.js'
import { type Checkpoint, checkpointKey, loadCheckpoint, newCheckpoint } from './checkpoint.js'
import { DayTally } from './day-tally.js'
import type { FcBackfillResult } from './fc-result.js'
import type { BackfillRequest } from './payload.js'
import { planWindow } from './plan.js'
import { probeDays } from './probe-days.js'
import { runFanout } from './run-fanout.js'
import { runInline } from './run-inline.js'
import { stopWhenLow } from './time-budget.js'
import { type DayWindow, resolveWindow } from './window.js'
import { type WindowRun, windowAnswer } from './window-run.js'

/** A chain of continuations longer than this is stopped: something keeps it from finishing. */
export const MAX_INVOCATIONS = 1000

/**
 * One invocation's share of a window: from the checkpoint on, lists days; a window whose pending
 * archives are few runs inline, a larger one fans out to the worker. Either continues in a new
 * invocation when time runs low.
 */
export async function runWindow(deps: FcBackfillDeps, request: Extract<BackfillRequest, { kind: 'window' }>): Promise<FcBackfillResult> {
  const window = resolveWindow(request, deps.now(), deps.maxWindowDays)
  const prefix = request.prefix !== undefined ? normalizePrefix(request.prefix) : deps.sourcePrefix
  const key = checkpointKey(deps.pipeline.destPrefix, window, prefix)
  const checkpoint = await startingPoint(deps, request.resume, key, window, prefix)
  const run: WindowRun = { deps, window, prefix, key, checkpoint, tally: new DayTally(), stopListing: stopWhenLow(deps) }
  if (checkpoint.status === 'done') {
    deps.log.info('backfill already finished', { checkpoint: key })
    return windowAnswer(run, { status: 'done', stats: checkpoint.stats })
  }
  checkpoint.invocations++
  if (checkpoint.invocations > MAX_INVOCATIONS) {
    deps.log.error(`backfill abandoned after ${MAX_INVOCATIONS} invocations`, { checkpoint: key, nextDay: checkpoint.nextDay })
    return windowAnswer(run, { status: 'abandoned', error: `more than ${MAX_INVOCATIONS} invocations`, stats: checkpoint.stats })
  }
  const days = planWindow(deps.pipeline.source, deps.pipeline.dest, {
    sourcePrefix: prefix,
    destPrefix: deps.pipeline.destPrefix,
    window,
    startDay: checkpoint.nextDay,
  })
  const probe = await probeDays(run, days)
  const pending = run.tally.pending
  deps.log.info('backfill planned', { window, prefix, from: checkpoint.nextDay, daysListed: probe.days.length, pending, complete: probe.exhausted })
  if (probe.exhausted && pending <= deps.fanoutThreshold) return runInline(run, probe.days)
  return runFanout(run, probe.days, probe.exhausted ? undefined : days)
}

async function startingPoint(deps: FcBackfillDeps, resume: string | undefined, key: string, window: DayWindow, prefix: string): Promise<Checkpoint> {
  if (resume === undefined) return newCheckpoint(window, prefix, deps.now())
  if (resume !== key)
    throw new InvalidEventError(`"resume" names ${JSON.stringify(resume)}, but the checkpoint of this window and prefix is ${JSON.stringify(key)}`)
  const saved = await loadCheckpoint(deps.pipeline.dest, key)
  if (saved) return saved
  deps.log.warn('backfill checkpoint not found; starting the window from its first day', { checkpoint: key })
  return newCheckpoint(window, prefix, deps.now())
}
