import type { Logger } from '../log.js'
import type { Storage } from '../storage/types.js'
import { type DeliveryOptions, deliverMessage } from './deliver.js'
import type { Alert } from './evaluate.js'
import { alertMessage, type MessageOptions } from './message.js'
import { dropFailed, failedMessages, keepFailed, markSent, unsentAlerts } from './outbox.js'
import type { Webhook } from './webhook.js'

export interface DispatchTarget {
  storage: Storage
  destPrefix: string
  webhook: Webhook
  message: MessageOptions
  log: Logger
  delivery?: DeliveryOptions
  now?: () => Date
}

export interface Dispatched {
  /** Alerts in the message that was sent (new ones and earlier failures). */
  sent: number
  /** Alerts kept under failed/ for the next run. */
  kept: number
  /** Alerts left out because they were sent before. */
  duplicates: number
  delivered: boolean
}

/**
 * One message for this run: the new alerts not sent before, plus the alerts of earlier failed
 * messages. Delivered: every alert is marked sent, then the failed messages it carried are removed.
 * Not delivered: the new alerts are kept under failed/ (earlier ones stay where they are). A webhook
 * failure never throws; storage failures do (the caller's run is retried and sends again).
 */
export async function dispatchAlerts(target: DispatchTarget, alerts: readonly Alert[]): Promise<Dispatched> {
  const { storage, destPrefix, log } = target
  const now = target.now ?? (() => new Date())
  const pending = await failedMessages(storage, destPrefix)
  const fresh = await unsentAlerts(storage, destPrefix, dedupe(alerts))
  const carried = await unsentAlerts(storage, destPrefix, dedupe(pending.flatMap((m) => m.alerts)))
  const carriedIds = new Set(carried.map((a) => a.id))
  const newOnes = fresh.filter((a) => !carriedIds.has(a.id))
  const all = [...carried, ...newOnes]
  const duplicates = alerts.length - fresh.length
  if (all.length === 0) {
    if (pending.length)
      await dropFailed(
        storage,
        pending.map((m) => m.key),
      )
    return { sent: 0, kept: 0, duplicates, delivered: false }
  }
  const delivery = await deliverMessage(target.webhook, alertMessage(all, target.message), target.delivery)
  if (delivery.ok) {
    await markSent(storage, destPrefix, all, now())
    if (pending.length)
      await dropFailed(
        storage,
        pending.map((m) => m.key),
      )
    log.info('alert message delivered', { alerts: all.length, earlierFailures: carried.length, attempts: delivery.attempts, webhook: target.webhook.kind })
    return { sent: all.length, kept: 0, duplicates, delivered: true }
  }
  const key = newOnes.length ? await keepFailed(storage, destPrefix, newOnes, delivery.reason, now()) : undefined
  log.warn(`alert message not delivered: ${delivery.reason}`, {
    alerts: all.length,
    attempts: delivery.attempts,
    webhook: target.webhook.kind,
    keptAs: key,
    reason: 'alert_delivery_failed',
  })
  return { sent: 0, kept: all.length, duplicates, delivered: false }
}

function dedupe(alerts: readonly Alert[]): Alert[] {
  const seen = new Set<string>()
  return alerts.filter((a) => !seen.has(a.id) && seen.add(a.id))
}
