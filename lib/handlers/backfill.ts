import { type BackfillStats, type Checkpoint, checkpointKey, emptyStats, loadCheckpoint, newCheckpoint, saveCheckpoint } from '../backfill/checkpoint.js'
import { BatchDispatcher } from '../backfill/fanout.js'
import { backfillDeps, type FcBackfillDeps } from '../backfill/fc-deps.js'
import { type BackfillRequest, FANOUT_PROBE_KEY, parseBackfillEvent } from '../backfill/payload.js'
import { type DayPlan, planWindow } from '../backfill/plan.js'
import { type DayWindow, resolveWindow } from '../backfill/window.js'
import { InvalidEventError, RetryableError, WindowError } from '../errors.js'
import type { InvocationDeps } from '../fc/container.js'
import type { FcContext } from '../fc/context.js'
import { normalizePrefix } from '../location.js'
import { type Outcome, processArchives, type RunSummary } from '../run-archives.js'
import { addDays } from '../util/days.js'
import { addTotals } from '../util/totals.js'

export interface FcBackfillResult {
  status: 'done' | 'continued' | 'invalid' | 'abandoned'
  mode?: 'inline' | 'fanout' | 'batch' | 'verify'
  /** The worker function a `verifyFanout` request invoked. */
  worker?: string
  window?: DayWindow
  error?: string
  checkpoint?: string
  /** Where the continuation starts (status `continued`). */
  nextDay?: string
  listed: number
  skippedDone: number
  pending: number
  stats: BackfillStats
}

/** A chain of continuations longer than this is stopped: something keeps it from finishing. */
export const MAX_INVOCATIONS = 1000

/**
 * One invocation of the backfill function. A bad payload is logged and answered (`invalid`), never
 * thrown: FC would retry it forever. Transient failures throw, so FC retries the invocation;
 * everything it repeats is idempotent.
 */
export async function handle(deps: InvocationDeps, event: unknown, context: FcContext): Promise<FcBackfillResult> {
  const now = deps.now ?? Date.now
  return handleBackfillEvent(backfillDeps(deps, context, { startedAt: now(), now }), event)
}

/** The backfill over its own dependencies (built by `backfillDeps`, or by a test). */
export async function handleBackfillEvent(deps: FcBackfillDeps, event: unknown): Promise<FcBackfillResult> {
  let request: BackfillRequest
  try {
    request = parseBackfillEvent(event)
    if (request.kind === 'batch') return await runBatch(deps, request.keys)
    if (request.kind === 'verify-fanout') return await verifyFanout(deps)
    return await runWindow(deps, request)
  } catch (error) {
    if (!(error instanceof InvalidEventError || error instanceof WindowError)) throw error
    deps.log.error(`backfill payload refused: ${error.message}`, { reason: 'invalid_payload' })
    return { ...nothing(), status: 'invalid', error: error.message }
  }
}

function nothing(): Omit<FcBackfillResult, 'status'> {
  return { listed: 0, skippedDone: 0, pending: 0, stats: emptyStats() }
}

/**
 * `{"verifyFanout": true}`: one asynchronous invocation of the worker with a batch it skips unread, so an
 * operator learns at once whether this function's role may invoke the worker (a refusal throws).
 */
async function verifyFanout(deps: FcBackfillDeps): Promise<FcBackfillResult> {
  const { requestId } = await deps.invoker.invokeAsync(deps.workerName, { batch: [FANOUT_PROBE_KEY] })
  deps.log.info('fan-out verified: the worker accepted an asynchronous invocation', { worker: deps.workerName, workerRequestId: requestId })
  return { ...nothing(), status: 'done', mode: 'verify', worker: deps.workerName }
}

/** A stop rule that lets at least one archive start, so every invocation makes progress. */
function stopWhenLow(deps: FcBackfillDeps): () => boolean {
  let allowed = 0
  return () => {
    if (allowed > 0 && deps.remainingMs() < deps.marginMs) return true
    allowed++
    return false
  }
}

async function runBatch(deps: FcBackfillDeps, keys: string[]): Promise<FcBackfillResult> {
  const finished = new Set<string>()
  const retry: string[] = []
  const run = await processArchives(deps.pipeline, keys, {
    concurrency: deps.concurrency,
    stopRequested: stopWhenLow(deps),
    onOutcome: (outcome) => (outcome.status === 'failed' && outcome.retryable ? retry.push(outcome.key) : finished.add(outcome.key)),
  })
  const rest = keys.filter((key) => !finished.has(key) && !retry.includes(key))
  if (rest.length > 0) {
    await deps.invoker.invokeAsync(deps.selfName, { batch: rest })
    deps.log.info('backfill batch continues in a new invocation', { archives: rest.length })
  }
  const stats = statsOf(run)
  deps.log.info('backfill batch finished', { archives: keys.length, ...stats, left: rest.length })
  if (retry.length > 0)
    throw new RetryableError(
      `${retry.length} of ${keys.length} archives failed transiently (first: ${retry[0]}); FC retries the batch and skips the archives that are done`,
    )
  return { ...nothing(), status: rest.length > 0 ? 'continued' : 'done', mode: 'batch', pending: keys.length, stats }
}

interface WindowRun {
  deps: FcBackfillDeps
  window: DayWindow
  prefix: string
  key: string
  checkpoint: Checkpoint
  result: FcBackfillResult
}

async function runWindow(deps: FcBackfillDeps, request: Extract<BackfillRequest, { kind: 'window' }>): Promise<FcBackfillResult> {
  const window = resolveWindow(request, deps.now(), deps.maxWindowDays)
  const prefix = request.prefix !== undefined ? normalizePrefix(request.prefix) : deps.sourcePrefix
  const key = checkpointKey(deps.pipeline.destPrefix, window, prefix)
  const checkpoint = await startingPoint(deps, request.resume, key, window, prefix)
  const result: FcBackfillResult = { ...nothing(), status: 'done', window, checkpoint: key }
  if (checkpoint.status === 'done') {
    deps.log.info('backfill already finished', { checkpoint: key })
    return { ...result, stats: checkpoint.stats }
  }
  checkpoint.invocations++
  if (checkpoint.invocations > MAX_INVOCATIONS) {
    deps.log.error(`backfill abandoned after ${MAX_INVOCATIONS} invocations`, { checkpoint: key, nextDay: checkpoint.nextDay })
    return { ...result, status: 'abandoned', error: `more than ${MAX_INVOCATIONS} invocations`, stats: checkpoint.stats }
  }
  const run: WindowRun = { deps, window, prefix, key, checkpoint, result }
  const days = planWindow(deps.pipeline.source, deps.pipeline.dest, {
    sourcePrefix: prefix,
    destPrefix: deps.pipeline.destPrefix,
    window,
    startDay: checkpoint.nextDay,
  })
  const probe = await probeDays(run, days)
  const pending = probe.days.reduce((sum, day) => sum + day.pending.length, 0)
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

/**
 * Lists days until more than the fan-out threshold is pending, the window ends, or time runs
 * low (after at least one day, so every invocation moves on).
 */
async function probeDays(run: WindowRun, days: AsyncIterator<DayPlan>): Promise<{ days: DayPlan[]; exhausted: boolean }> {
  const listed: DayPlan[] = []
  let pending = 0
  while (pending <= run.deps.fanoutThreshold) {
    if (listed.length > 0 && lowOnTime(run.deps)) return { days: listed, exhausted: false }
    const next = await days.next()
    if (next.done) return { days: listed, exhausted: true }
    count(run.result, next.value)
    listed.push(next.value)
    pending += next.value.pending.length
  }
  return { days: listed, exhausted: listed.at(-1)?.day === run.window.to }
}

function count(result: FcBackfillResult, day: DayPlan): void {
  result.listed += day.listed
  result.skippedDone += day.done
  result.pending += day.pending.length
}

function lowOnTime(deps: FcBackfillDeps): boolean {
  return deps.remainingMs() < deps.marginMs
}

/** Processes the pending archives here; when time runs low, continues in a new invocation. */
async function runInline(run: WindowRun, days: DayPlan[]): Promise<FcBackfillResult> {
  const dayOf = new Map(days.flatMap((day) => day.pending.map((p) => [p.key, day.day] as const)))
  const unfinished = new Set(dayOf.keys())
  const summary = await processArchives(run.deps.pipeline, [...dayOf.keys()], {
    concurrency: run.deps.concurrency,
    stopRequested: stopWhenLow(run.deps),
    onOutcome: (outcome: Outcome) => {
      if (!(outcome.status === 'failed' && outcome.retryable)) unfinished.delete(outcome.key)
    },
  })
  addTotals(run.checkpoint.stats, statsOf(summary))
  run.checkpoint.mode = 'inline'
  const started = summary.archives
  if (started < dayOf.size) {
    // Restart at the earliest day with an archive not started (or failed): its done archives are skipped by manifest.
    const nextDay = [...unfinished].map((key) => dayOf.get(key)!).sort()[0]
    return continueLater(run, nextDay, 'inline')
  }
  return finish(run, 'inline', [...unfinished])
}

/** Hands the pending archives to the worker function in batches, day by day, while time lasts. */
async function runFanout(run: WindowRun, listed: DayPlan[], more: AsyncIterator<DayPlan> | undefined): Promise<FcBackfillResult> {
  const { deps, checkpoint } = run
  const dispatcher = new BatchDispatcher(deps.invoker, deps.workerName, deps.fanoutBatchSize, deps.log)
  let lastDay: string | undefined
  const dispatchDay = async (day: DayPlan) => {
    await dispatcher.add(day.pending.map((p) => p.key))
    lastDay = day.day
  }
  for (const day of listed) await dispatchDay(day)
  while (more && !lowOnTime(deps)) {
    const next = await more.next()
    if (next.done) break
    count(run.result, next.value)
    await dispatchDay(next.value)
  }
  await dispatcher.flush()
  checkpoint.stats.batches += dispatcher.batches
  checkpoint.stats.dispatched += dispatcher.dispatched
  checkpoint.mode = 'fanout'
  if (lastDay !== undefined && lastDay < run.window.to) return continueLater(run, addDays(lastDay, 1), 'fanout')
  return finish(run, 'fanout', [])
}

async function continueLater(run: WindowRun, nextDay: string, mode: 'inline' | 'fanout'): Promise<FcBackfillResult> {
  const { deps, checkpoint, window } = run
  checkpoint.nextDay = nextDay
  checkpoint.updatedAt = deps.now().toISOString()
  await saveCheckpoint(deps.pipeline.dest, run.key, checkpoint)
  await deps.invoker.invokeAsync(deps.selfName, { from: window.from, to: window.to, prefix: run.prefix, resume: run.key })
  deps.log.info('backfill continues in a new invocation', { checkpoint: run.key, nextDay, invocations: checkpoint.invocations, ...checkpoint.stats })
  return { ...run.result, status: 'continued', mode, nextDay, stats: checkpoint.stats }
}

async function finish(run: WindowRun, mode: 'inline' | 'fanout', retry: string[]): Promise<FcBackfillResult> {
  const { deps, checkpoint } = run
  if (retry.length > 0) {
    // The checkpoint stays where this invocation began, so FC's retry of it redoes these archives.
    throw new RetryableError(
      `${retry.length} archives failed transiently (first: ${retry[0]}); FC retries this invocation and skips the archives that are done`,
    )
  }
  checkpoint.status = 'done'
  delete checkpoint.nextDay
  checkpoint.updatedAt = deps.now().toISOString()
  await saveCheckpoint(deps.pipeline.dest, run.key, checkpoint)
  deps.log.info('backfill finished', { checkpoint: run.key, mode, invocations: checkpoint.invocations, ...checkpoint.stats })
  return { ...run.result, status: 'done', mode, stats: checkpoint.stats }
}

function statsOf(run: RunSummary): BackfillStats {
  return { written: run.written, quarantined: run.quarantined, failed: run.failed, events: run.counts.events, rows: run.counts.rows, batches: 0, dispatched: 0 }
}
