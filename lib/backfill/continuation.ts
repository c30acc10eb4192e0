import { RetryableError } from '../errors.js'
import { saveCheckpoint } from './checkpoint.js'
import type { FcBackfillResult } from './fc-result.js'
import { type WindowRun, windowAnswer } from './window-run.js'

/** Saves where the window stands and re-invokes this function to go on from `nextDay`. */
export async function continueLater(run: WindowRun, nextDay: string, mode: 'inline' | 'fanout'): Promise<FcBackfillResult> {
  const { deps, checkpoint, window } = run
  checkpoint.nextDay = nextDay
  checkpoint.updatedAt = deps.now().toISOString()
  await saveCheckpoint(deps.pipeline.dest, run.key, checkpoint)
  await deps.invoker.invokeAsync(deps.selfName, { from: window.from, to: window.to, prefix: run.prefix, resume: run.key })
  deps.log.info('backfill continues in a new invocation', { checkpoint: run.key, nextDay, invocations: checkpoint.invocations, ...checkpoint.stats })
  return windowAnswer(run, { status: 'continued', mode, nextDay, stats: checkpoint.stats })
}

/** Records the window as done, or throws for FC to retry when archives failed transiently. */
export async function finishWindow(run: WindowRun, mode: 'inline' | 'fanout', retry: string[]): Promise<FcBackfillResult> {
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
  return windowAnswer(run, { status: 'done', mode, stats: checkpoint.stats })
}
