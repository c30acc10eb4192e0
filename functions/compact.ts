import { fcContainer } from '../lib/fc/container.js'
import type { FcContext } from '../lib/fc/context.js'
import { type CompactInvocationResult, handle } from '../lib/handlers/compact-timer.js'

/**
 * FC 3.0 timer triggers. Daily: merges the small per-archive files of finished dt partitions (at least
 * 2 days old, looking 14 days back) into files near COMPACT_TARGET_MB, dropping duplicate event ids.
 * Hourly, payload {"rollup": true}: rolls up the part files of today and yesterday that arrived since the
 * last roll-up. Manual runs pass {"date": "2021-02-03"} or {"before": "...", "since": "..."}.
 * Configuration: lib/config.ts.
 */
const dependencies = fcContainer()

export const handler = async (event: Buffer, context: FcContext): Promise<CompactInvocationResult> => {
  return handle(dependencies(context), event, context)
}
