import { RetryableError } from '../errors.js'
import type { FcBackfillDeps } from '../fc/backfill-deps.js'
import { processArchives } from '../run-archives.js'
import { statsOfRun } from './checkpoint.js'
import { emptyResult, type FcBackfillResult } from './fc-result.js'
import { stopWhenLow } from './time-budget.js'

/**
 * A worker's batch `{"batch": [...]}`: converts the archives while time lasts and hands the rest to a
 * new invocation of itself. Transient failures throw once the batch is through, so FC retries it
 * (the retry skips the archives that are done).
 */
export async function runBatch(deps: FcBackfillDeps, keys: string[]): Promise<FcBackfillResult> {
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
  const stats = statsOfRun(run)
  deps.log.info('backfill batch finished', { archives: keys.length, ...stats, left: rest.length })
  if (retry.length > 0)
    throw new RetryableError(
      `${retry.length} of ${keys.length} archives failed transiently (first: ${retry[0]}); FC retries the batch and skips the archives that are done`,
    )
  return { ...emptyResult(rest.length > 0 ? 'continued' : 'done'), mode: 'batch', pending: keys.length, stats }
}
