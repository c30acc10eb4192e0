import { createHmac } from 'node:crypto'
import { httpVerdict, jsonBody, type WebhookFormat } from './webhook.js'

/**
 * Feishu/Lark custom bot. With a signing secret, the body carries `timestamp` (seconds, as text) and
 * `sign` = base64(HMAC-SHA256(key = timestamp + "\n" + secret, data = empty)) — the string to sign is
 * the key, unlike DingTalk. The bot answers `{"code": 0}` on success; 11232 is its rate limit.
 */
export function larkSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64')
}

const RATE_LIMITED = 11232

export const lark: WebhookFormat = {
  request(webhook, message, now) {
    const timestamp = Math.floor(now / 1000)
    const signature = webhook.secret ? { timestamp: String(timestamp), sign: larkSign(webhook.secret, timestamp) } : {}
    const body = JSON.stringify({ ...signature, msg_type: 'text', content: { text: message.text } })
    return { url: webhook.url, headers: { 'content-type': 'application/json' }, body }
  },
  verdict(status, body) {
    const http = httpVerdict(status, body)
    if (http) return http
    const parsed = jsonBody(body)
    const code = parsed?.code ?? parsed?.StatusCode
    if (code === undefined || code === 0) return { ok: true }
    return { ok: false, retry: code === RATE_LIMITED, reason: `Lark code ${String(code)}: ${String(parsed?.msg ?? '')}` }
  },
}
