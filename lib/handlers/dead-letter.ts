import { deadLetterOf, writeDeadLetter } from '../dead-letters.js'
import type { InvocationDeps } from '../fc/container.js'
import type { FcContext } from '../fc/context.js'

export interface DeadLetterResult {
  key: string
  requestId: string
  functionArn?: string
  condition?: string
}

/**
 * The failure destination of the trigger and backfill functions: keeps what FC sends (whatever it is) under
 * `<dest>/_ccc_trail/dead-letters/` and logs an error line to alert on. A storage failure throws, so FC
 * retries this invocation; the same failed request always lands on the same key.
 */
export async function handle(deps: InvocationDeps, event: unknown, context: FcContext): Promise<DeadLetterResult> {
  const now = deps.now ?? Date.now
  const letter = deadLetterOf(event, new Date(now()), context.requestId)
  const dest = deps.open(deps.config.dest)
  const key = await writeDeadLetter(dest.storage, dest.prefix, letter)
  const result: DeadLetterResult = { key, requestId: letter.requestId, functionArn: letter.functionArn, condition: letter.condition }
  deps.log.error('asynchronous invocation failed for good; kept as a dead letter (ccc-trail process --replay-dead-letters)', {
    reason: 'dead_letter',
    ...result,
  })
  return result
}
