import { errorMessage, isRetryable } from '../errors.js'
import type { Logger } from '../log.js'
import type { Storage } from '../storage/types.js'
import type { AlertRow } from './alert-row.js'
import type { DeliveryOptions } from './deliver.js'
import { type Dispatched, dispatchAlerts } from './dispatch.js'
import { evaluateRules, type HourCounts, hourCounts } from './evaluate.js'
import type { AlertSettings } from './settings.js'
import { priorHourCounts, readSightings, recordHourCounts, recordSightings } from './state.js'
import type { Webhook } from './webhook.js'

export interface AlertTarget {
  storage: Storage
  destPrefix: string
  /** The table as `ccc-trail query --dest` takes it, for the message's query lines. */
  dest: string
  log: Logger
  delivery?: DeliveryOptions
  now?: () => Date
}

export interface ArchiveVersion {
  key: string
  etag: string
}

export interface TriggerAlerts extends Dispatched {
  rows: number
  alerts: number
}

/**
 * Evaluates the rules on the rows the given archive versions committed (read back from the table)
 * and sends one message. Redelivered archives are evaluated again and their alerts, already sent,
 * are left out — so a run that died between commit and message still sends on the retry.
 */
export async function alertOnArchives(
  target: AlertTarget,
  settings: AlertSettings & { webhook: Webhook },
  archives: readonly ArchiveVersion[],
): Promise<TriggerAlerts> {
  const { storage, destPrefix } = target
  // Loaded here: only a trigger with a webhook reads Parquet back, and the reader costs start-up time.
  const { committedRows } = await import('./archive-rows.js')
  const rows: AlertRow[] = []
  const counts: HourCounts = new Map()
  for (const archive of archives) {
    const own = await committedRows(storage, destPrefix, archive.key, archive.etag)
    const contribution = hourCounts(settings.rules, own, settings.workHours)
    // Written before the other archives' counts are read: of two concurrent archives, the later reader sees both.
    await recordHourCounts(storage, destPrefix, archive.key, contribution)
    mergeCounts(counts, contribution)
    rows.push(...own)
  }
  const values = new Map<string, { kind: 'caller' | 'source_address'; value: string }>()
  for (const rule of settings.rules) {
    if (!rule.new) continue
    for (const row of rows) {
      const value = rule.new.of === 'caller' ? row.caller : row.sourceAddress
      if (value !== null) values.set(`${rule.new.of}\u0000${value}`, { kind: rule.new.of, value })
    }
  }
  const seen = await readSightings(storage, destPrefix, values.values())
  const prior = await priorHourCounts(
    storage,
    destPrefix,
    archives.map((a) => a.key),
    counts,
  )
  const evaluation = evaluateRules(settings.rules, rows, { workHours: settings.workHours, seen, priorCounts: prior })
  const dispatched = await dispatchAlerts(
    {
      storage,
      destPrefix,
      webhook: settings.webhook,
      message: { dest: target.dest, workHours: settings.workHours },
      log: target.log,
      delivery: target.delivery,
      now: target.now,
    },
    evaluation.alerts,
  )
  // After the message: a run that dies before this point evaluates the same rows again on its retry.
  if (values.size > 0) {
    const relevant = new Map([...evaluation.sightings].filter(([key]) => values.has(key)))
    await recordSightings(storage, destPrefix, relevant, seen)
  }
  return { ...dispatched, rows: rows.length, alerts: evaluation.alerts.length }
}

function mergeCounts(into: HourCounts, add: HourCounts): void {
  for (const [rule, hours] of add) {
    const perHour = into.get(rule) ?? new Map<number, Map<string, number>>()
    into.set(rule, perHour)
    for (const [hour, keys] of hours) {
      const merged = perHour.get(hour) ?? new Map<string, number>()
      perHour.set(hour, merged)
      for (const [k, n] of keys) merged.set(k, (merged.get(k) ?? 0) + n)
    }
  }
}

export interface TriggerAlertSetup {
  settings: AlertSettings
  storage: Storage
  destPrefix: string
  dest: string
  log: Logger
  delivery?: DeliveryOptions
}

/**
 * The trigger's hook: alerts on the archives this invocation committed or found committed, when a
 * webhook is configured. The webhook's answer never changes the trigger's outcome (a failed message
 * waits under failed/); only a transient storage fault is thrown, so FC retries the invocation and
 * the retry, finding the archives done, evaluates them again.
 */
export async function alertAfterTrigger(setup: TriggerAlertSetup, archives: readonly ArchiveVersion[]): Promise<TriggerAlerts | undefined> {
  const { settings, log } = setup
  if (!settings.webhook || archives.length === 0) return undefined
  // An event may name the same object twice; its rows count once.
  archives = [...new Map(archives.map((a) => [`${a.key}@${a.etag}`, a])).values()]
  try {
    const result = await alertOnArchives({ ...setup, log }, { ...settings, webhook: settings.webhook }, archives)
    log.info('alerts evaluated', {
      archives: archives.length,
      rows: result.rows,
      alerts: result.alerts,
      sent: result.sent,
      kept: result.kept,
      duplicates: result.duplicates,
    })
    return result
  } catch (error) {
    log.error(`alerts not evaluated: ${errorMessage(error)}`, { reason: 'alerts_failed', retryable: isRetryable(error) })
    if (isRetryable(error)) throw error
    return undefined
  }
}
