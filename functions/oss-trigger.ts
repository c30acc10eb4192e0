import { fcContainer } from '../lib/fc/container.js'
import type { FcContext } from '../lib/fc/context.js'
import { handle, type OssTriggerSummary } from '../lib/handlers/oss-trigger.js'

/**
 * FC 3.0 OSS trigger (oss:ObjectCreated:*, prefix `<SOURCE_PREFIX>AliyunLogs/Actiontrail/`, suffix `.gz`).
 * Converts each created ActionTrail archive into the Parquet table at DEST_BUCKET/DEST_PREFIX.
 * Succeeds for converted, skipped and quarantined objects; throws what FC should retry or report
 * (transient OSS failures, refused credentials, configuration errors). Configuration: lib/config.ts.
 */
const dependencies = fcContainer()

export const handler = async (event: Buffer, context: FcContext): Promise<OssTriggerSummary> => {
  return handle(dependencies(context), event, context)
}
