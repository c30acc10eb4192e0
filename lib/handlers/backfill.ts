import { emptyResult, type FcBackfillResult } from '../backfill/fc-result.js'
import { parseBackfillEvent } from '../backfill/payload.js'
import { runBatch } from '../backfill/run-batch.js'
import { runWindow } from '../backfill/run-window.js'
import { verifyFanout } from '../backfill/verify-fanout.js'
import { InvalidEventError, WindowError } from '../errors.js'
import { backfillDeps, type FcBackfillDeps } from '../fc/backfill-deps.js'
import type { InvocationDeps } from '../fc/container.js'
import type { FcContext } from '../fc/context.js'

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
  try {
    const request = parseBackfillEvent(event)
    if (request.kind === 'batch') return await runBatch(deps, request.keys)
    if (request.kind === 'verify-fanout') return await verifyFanout(deps)
    return await runWindow(deps, request)
  } catch (error) {
    if (!(error instanceof InvalidEventError || error instanceof WindowError)) throw error
    deps.log.error(`backfill payload refused: ${error.message}`, { reason: 'invalid_payload' })
    return { ...emptyResult('invalid'), error: error.message }
  }
}
