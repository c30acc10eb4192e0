import { createHmac } from 'node:crypto'
import { httpVerdict, type WebhookFormat } from './webhook.js'

/**
 * Any receiver that takes JSON: `{source, title, text, alerts}`. With a secret, the request carries
 * `X-Ccc-Trail-Timestamp` (ms) and `X-Ccc-Trail-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.
 */
export function genericSign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

export const generic: WebhookFormat = {
  request(webhook, message, now) {
    const body = JSON.stringify({ source: 'ccc-trail', title: message.title, text: message.text, alerts: message.alerts })
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (webhook.secret) {
      headers['x-ccc-trail-timestamp'] = String(now)
      headers['x-ccc-trail-signature'] = genericSign(webhook.secret, now, body)
    }
    return { url: webhook.url, headers, body }
  },
  verdict: (status, body) => httpVerdict(status, body) ?? { ok: true },
}
