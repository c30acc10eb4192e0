import { errorMessage } from '../errors.js'
import { dingtalk } from './deliver-dingtalk.js'
import { generic } from './deliver-generic.js'
import { lark } from './deliver-lark.js'
import type { AlertMessage } from './message.js'
import type { Webhook, WebhookFormat, WebhookKind, WebhookVerdict } from './webhook.js'

const FORMATS: Record<WebhookKind, WebhookFormat> = { dingtalk, lark, generic }

export interface DeliveryOptions {
  /** Tries in all (default 4). */
  attempts?: number
  /** Wait before try `n` (1-based, n ≥ 2), in ms; default 500 ms doubling, so a failing hook costs seconds, not minutes. */
  backoffMs?: (attempt: number) => number
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number
  fetch?: typeof fetch
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

export type Delivery = { ok: true; attempts: number } | { ok: false; attempts: number; reason: string }

const defaultBackoff = (attempt: number) => 500 * 2 ** (attempt - 2)
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Sends one message, retrying on 429, 5xx, the receiver's own rate-limit codes and network errors.
 * Never throws: the answer says whether it was delivered. The reason never holds the URL (its
 * access token) or the secret.
 */
export async function deliverMessage(webhook: Webhook, message: AlertMessage, options: DeliveryOptions = {}): Promise<Delivery> {
  const format = FORMATS[webhook.kind]
  const attempts = options.attempts ?? 4
  const send = options.fetch ?? fetch
  const sleep = options.sleep ?? defaultSleep
  let last: WebhookVerdict = { ok: false, retry: true, reason: 'not tried' }
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep((options.backoffMs ?? defaultBackoff)(attempt))
    const request = format.request(webhook, message, (options.now ?? Date.now)())
    try {
      const response = await send(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      })
      last = format.verdict(response.status, await response.text())
    } catch (error) {
      last = { ok: false, retry: true, reason: `request failed: ${errorMessage(error).replaceAll(webhook.url, '<webhook>')}` }
    }
    if (last.ok) return { ok: true, attempts: attempt }
    if (!last.retry) return { ok: false, attempts: attempt, reason: last.reason }
  }
  return { ok: false, attempts, reason: last.ok ? 'unknown' : last.reason }
}
