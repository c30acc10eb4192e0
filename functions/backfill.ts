import type { FcBackfillResult } from '../lib/backfill/fc-result.js'
import { fcContainer } from '../lib/fc/container.js'
import type { FcContext } from '../lib/fc/context.js'
import { handle } from '../lib/handlers/backfill.js'

/**
 * FC 3.0 backfill: timer trigger (payload `{"from","to","prefix"}`, all optional; default yesterday
 * and today, UTC), manual invocation with that JSON, its own continuations (`"resume"`), and worker
 * batches `{"batch":[keys]}` when WORKER_FUNCTION_NAME is unset or names this same handler.
 * Lists the window, skips archives with a manifest, processes the rest or fans them out.
 * A bad payload is logged and answered; transient failures throw so FC retries.
 */
const dependencies = fcContainer()

export const handler = async (event: Buffer, context: FcContext): Promise<FcBackfillResult> => {
  return handle(dependencies(context), event, context)
}
