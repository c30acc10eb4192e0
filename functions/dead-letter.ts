import { fcContainer } from '../lib/fc/container.js'
import type { FcContext } from '../lib/fc/context.js'
import { type DeadLetterResult, handle } from '../lib/handlers/dead-letter.js'

/**
 * FC 3.0 failure destination (asyncInvokeConfig.destinationConfig.onFailure of the trigger and backfill
 * functions): keeps each invocation FC gave up on under <DEST>/_ccc_trail/dead-letters/ and logs an error.
 * Replay: `ccc-trail process --replay-dead-letters`. Configuration: lib/config.ts.
 */
const dependencies = fcContainer()

export const handler = async (event: Buffer, context: FcContext): Promise<DeadLetterResult> => {
  return handle(dependencies(context), event, context)
}
