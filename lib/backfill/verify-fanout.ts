import type { FcBackfillDeps } from '../fc/backfill-deps.js'
import { emptyResult, type FcBackfillResult } from './fc-result.js'
import { FANOUT_PROBE_KEY } from './payload.js'

/**
 * `{"verifyFanout": true}`: one asynchronous invocation of the worker with a batch it skips unread, so an
 * operator learns at once whether this function's role may invoke the worker (a refusal throws).
 */
export async function verifyFanout(deps: FcBackfillDeps): Promise<FcBackfillResult> {
  const { requestId } = await deps.invoker.invokeAsync(deps.workerName, { batch: [FANOUT_PROBE_KEY] })
  deps.log.info('fan-out verified: the worker accepted an asynchronous invocation', { worker: deps.workerName, workerRequestId: requestId })
  return { ...emptyResult('done'), mode: 'verify', worker: deps.workerName }
}
