import { type ArchiveVersion, alertAfterTrigger } from '../alerts/trigger-alerts.js'
import { AccessError, CccTrailError, ConfigError, errorMessage, InvalidEventError, isRetryable } from '../errors.js'
import type { InvocationDeps } from '../fc/container.js'
import type { FcContext } from '../fc/context.js'
import { routeObject } from '../fc/object-route.js'
import { type OssObjectEvent, parseOssEvent } from '../fc/oss-event.js'
import type { Counts } from '../ledger/manifest.js'
import { describeLocation } from '../location.js'
import type { LogFields } from '../log.js'
import { type ArchiveStatus, processArchive } from '../pipeline.js'
import { createPipeline } from '../pipeline-from-config.js'
import { addTotals } from '../util/totals.js'

export type ObjectStatus = ArchiveStatus | 'ignored' | 'refused' | 'failed'

export interface ObjectOutcome {
  bucket: string
  key: string
  status: ObjectStatus
  reason?: string
  counts?: Counts
}

export interface OssTriggerSummary {
  objects: number
  written: number
  alreadyDone: number
  quarantined: number
  /** Not ActionTrail API archives (Insight archives, other files), or gone before they were read. */
  skipped: number
  ignored: number
  refused: number
  failed: number
  counts: Counts
  outcomes: ObjectOutcome[]
  /** Set when the payload is not an OSS trigger event. */
  invalidEvent?: string
}

/**
 * The OSS trigger: converts every object the event names. Throws, after trying every object, when one
 * failed in a way FC should see: transient (RetryableError: the retry is safe, writes are idempotent),
 * refused credentials or permissions, a configuration error, or an unexpected error. Bad input is
 * quarantined by the pipeline and an invalid payload is logged; both succeed, since a retry cannot help.
 */
export async function handle(deps: InvocationDeps, event: unknown, _context?: FcContext): Promise<OssTriggerSummary> {
  let records: OssObjectEvent[]
  try {
    records = parseOssEvent(event)
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error
    deps.log.error(`invalid OSS trigger event: ${error.message}`, { reason: 'invalid_event' })
    return { ...summarize([]), invalidEvent: error.message }
  }
  const outcomes: ObjectOutcome[] = []
  const committed: ArchiveVersion[] = []
  let fatal: unknown
  for (const record of records) {
    try {
      outcomes.push(await handleObject(deps, record, committed))
    } catch (error) {
      fatal ??= mustSurface(error) ? error : undefined
      outcomes.push({ bucket: record.bucket, key: record.key, status: 'failed', reason: failureReason(error) })
      deps.log.error(`object failed: ${errorMessage(error)}`, {
        bucket: record.bucket,
        source: record.key,
        reason: failureReason(error),
        retryable: isRetryable(error),
      })
    }
  }
  try {
    await alertOnCommitted(deps, committed)
  } catch (error) {
    fatal ??= error
  }
  const summary = summarize(outcomes)
  deps.log.info('OSS trigger invocation finished', finishedFields(summary, fatal !== undefined))
  if (fatal !== undefined) throw fatal
  return summary
}

/** Alerts on the rows of every archive that is in the table now (written, or done by an earlier delivery). */
async function alertOnCommitted(deps: InvocationDeps, archives: ArchiveVersion[]): Promise<void> {
  if (!deps.config.alerts.webhook || archives.length === 0) return
  const dest = deps.open(deps.config.dest)
  const setup = {
    settings: deps.config.alerts,
    storage: dest.storage,
    destPrefix: dest.prefix,
    dest: describeLocation(dest.spec),
    log: deps.log,
    delivery: deps.alertDelivery,
  }
  await alertAfterTrigger(setup, archives)
}

/** Totals of the invocation; `quarantined` counts events, as in the per-archive lines. */
function finishedFields(s: OssTriggerSummary, throwing: boolean): LogFields {
  return {
    objects: s.objects,
    written: s.written,
    alreadyDone: s.alreadyDone,
    quarantinedObjects: s.quarantined,
    skipped: s.skipped,
    ignored: s.ignored,
    refused: s.refused,
    failed: s.failed,
    ...s.counts,
    throwing,
  }
}

async function handleObject(deps: InvocationDeps, record: OssObjectEvent, committed: ArchiveVersion[]): Promise<ObjectOutcome> {
  const route = routeObject(deps.config, record)
  const log = deps.log.child({ bucket: record.bucket, source: route.key, eventName: record.eventName })
  if (route.action === 'ignore') {
    log.info(`object ignored: ${route.detail}`, { reason: route.reason })
    return { bucket: record.bucket, key: route.key, status: 'ignored', reason: route.reason }
  }
  if (route.action === 'refuse') {
    log.warn(`object refused: ${route.detail}`, { reason: route.reason })
    return { bucket: record.bucket, key: route.key, status: 'refused', reason: route.reason }
  }
  if (route.decodedKey) log.info('object key was percent-encoded in the event; using the decoded key', { eventKey: record.key })
  const pipeline = createPipeline(deps.config, deps.open(route.source), deps.open(deps.config.dest), deps.log.child({ bucket: record.bucket }))
  const result = await processArchive(pipeline, route.key)
  if ((result.status === 'written' || result.status === 'already_done') && result.etag) committed.push({ key: route.key, etag: result.etag })
  return { bucket: record.bucket, key: route.key, status: result.status, reason: result.reason, counts: result.counts }
}

/** Errors FC must see: retrying may fix them, or an operator has to. */
function mustSurface(error: unknown): boolean {
  return isRetryable(error) || error instanceof AccessError || error instanceof ConfigError || !(error instanceof CccTrailError)
}

function failureReason(error: unknown): string {
  if (isRetryable(error)) return 'transient'
  if (error instanceof AccessError) return `access_refused:${error.code}`
  if (error instanceof ConfigError) return `config:${error.setting}`
  return error instanceof CccTrailError ? 'permanent' : 'unexpected'
}

export function summarize(outcomes: ObjectOutcome[]): OssTriggerSummary {
  const count = (...statuses: ObjectStatus[]) => outcomes.filter((o) => statuses.includes(o.status)).length
  const counts: Counts = { events: 0, rows: 0, nonCcc: 0, quarantined: 0 }
  for (const o of outcomes) if (o.counts) addTotals(counts, o.counts)
  return {
    objects: outcomes.length,
    written: count('written'),
    alreadyDone: count('already_done'),
    quarantined: count('quarantined'),
    skipped: count('skipped', 'missing'),
    ignored: count('ignored'),
    refused: count('refused'),
    failed: count('failed'),
    counts,
    outcomes,
  }
}
