import { createHmac } from 'node:crypto'
import { httpVerdict, jsonBody, type WebhookFormat } from './webhook.js'

/**
 * DingTalk custom robot ("自定义机器人"). With a signing secret ("加签", SEC…), the URL gains
 * `timestamp` (ms) and `sign` = urlEncode(base64(HMAC-SHA256(key = secret, data = timestamp + "\n" + secret))).
 * The robot answers HTTP 200 with `{"errcode": 0}` on success; 130101 means "sending too fast".
 */
export function dingtalkSign(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64')
}

const TOO_FAST = 130101

export const dingtalk: WebhookFormat = {
  request(webhook, message, now) {
    let url = webhook.url
    if (webhook.secret) {
      const separator = url.includes('?') ? '&' : '?'
      url += `${separator}timestamp=${now}&sign=${encodeURIComponent(dingtalkSign(webhook.secret, now))}`
    }
    const body = JSON.stringify({ msgtype: 'markdown', markdown: { title: message.title, text: message.markdown } })
    return { url, headers: { 'content-type': 'application/json' }, body }
  },
  verdict(status, body) {
    const http = httpVerdict(status, body)
    if (http) return http
    const errcode = jsonBody(body)?.errcode
    if (errcode === undefined || errcode === 0) return { ok: true }
    return { ok: false, retry: errcode === TOO_FAST, reason: `DingTalk errcode ${String(errcode)}: ${String(jsonBody(body)?.errmsg ?? '')}` }
  },
}
