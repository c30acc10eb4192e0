import { createHash } from 'node:crypto'
import { NotFoundError } from '../errors.js'
import { ALERT_FAILED_DIR, alertFailedKey, alertSentKey } from '../layout.js'
import { listObjects } from '../storage/list.js'
import { readJson } from '../storage/read.js'
import type { Storage } from '../storage/types.js'
import { forEachLimit } from '../util/concurrency.js'
import type { Alert } from './evaluate.js'

/**
 * What was delivered and what still has to be: `sent/<alert id>` is written after a message got
 * through (so a crash in between repeats an alert, never loses one); `failed/<message id>` keeps the
 * alerts of a message that did not, until a later run delivers them.
 */
export interface FailedMessage {
  key: string
  failedAt: string
  reason: string
  alerts: Alert[]
}

const PARALLEL = 8

export async function unsentAlerts(storage: Storage, destPrefix: string, alerts: readonly Alert[]): Promise<Alert[]> {
  const sent = new Set<string>()
  await forEachLimit(alerts, PARALLEL, async (alert) => {
    if (await storage.head(alertSentKey(destPrefix, alert.id))) sent.add(alert.id)
  })
  return alerts.filter((alert) => !sent.has(alert.id))
}

export async function markSent(storage: Storage, destPrefix: string, alerts: readonly Alert[], at: Date): Promise<void> {
  await forEachLimit(alerts, PARALLEL, async (alert) => {
    await storage.put(alertSentKey(destPrefix, alert.id), JSON.stringify({ id: alert.id, rule: alert.rule, subject: alert.subject, sentAt: at.toISOString() }))
  })
}

/** Keeps the alerts of a failed message; the same alerts always get the same key. */
export async function keepFailed(storage: Storage, destPrefix: string, alerts: readonly Alert[], reason: string, at: Date): Promise<string> {
  const id = createHash('sha256')
    .update(alerts.map((a) => a.id).join('\n'))
    .digest('hex')
    .slice(0, 32)
  const key = alertFailedKey(destPrefix, id)
  await storage.put(key, JSON.stringify({ failedAt: at.toISOString(), reason, alerts }))
  return key
}

export async function failedMessages(storage: Storage, destPrefix: string): Promise<FailedMessage[]> {
  const messages: FailedMessage[] = []
  for await (const info of listObjects(storage, destPrefix + ALERT_FAILED_DIR)) {
    if (!info.key.endsWith('.json')) continue
    try {
      const record = await readJson<Omit<FailedMessage, 'key'>>(storage, info.key)
      if (Array.isArray(record.alerts)) messages.push({ key: info.key, failedAt: record.failedAt, reason: record.reason, alerts: record.alerts })
    } catch (error) {
      // Another run delivered it and removed it while we listed.
      if (!(error instanceof NotFoundError)) throw error
    }
  }
  return messages
}

export async function dropFailed(storage: Storage, keys: readonly string[]): Promise<void> {
  await forEachLimit(keys, PARALLEL, (key) => storage.delete(key))
}
