import { afterEach, describe, expect, it } from 'vitest'
import { deliverMessage } from '../../lib/alerts/deliver.js'
import { evaluateRules } from '../../lib/alerts/evaluate.js'
import { alertMessage } from '../../lib/alerts/message.js'
import { DEFAULT_RULES } from '../../lib/alerts/rules.js'
import type { WebhookKind } from '../../lib/alerts/webhook.js'
import { parseWorkHours } from '../../lib/report/window.js'
import { alarmingCalls, callRow } from '../support/alert-events.js'
import { startWebhookServer, type WebhookServer } from '../support/webhook-server.js'

const SECRET = 'SEC3f1e2d9c8b7a6-test-secret'
const workHours = parseWorkHours('09-18', 'Asia/Shanghai')
const fast = { backoffMs: () => 1 }
const { alerts } = evaluateRules(
  DEFAULT_RULES,
  alarmingCalls().map((c) => callRow(c)),
  { workHours, seen: new Map() },
)
const message = alertMessage(alerts, { dest: 'oss://audit-bucket/ccc-parquet/ccc_events/', workHours })

let server: WebhookServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('deliverMessage', () => {
  it.each(['dingtalk', 'lark', 'generic'] as WebhookKind[])('signs a %s message the way the receiver checks it', async (kind) => {
    server = await startWebhookServer(kind, SECRET)
    const result = await deliverMessage({ kind, url: server.url, secret: SECRET }, message, fast)
    expect(result).toEqual({ ok: true, attempts: 1 })
    expect(server.requests.map((r) => r.signatureValid)).toEqual([true])
    const [body] = server.messages
    const text = kind === 'dingtalk' ? (body.markdown as { text: string }).text : kind === 'lark' ? (body.content as { text: string }).text : String(body.text)
    // Caller, API with both meanings, local time with its zone, address, and the query line.
    expect(text).toContain('mallory')
    expect(text).toContain('DownloadRecording 下载录音 / Download a call recording')
    expect(text).toContain('2021-02-04 02:30:00 Asia/Shanghai')
    expect(text).toContain('198.51.100.7')
    expect(text).toContain('ccc-trail query --dest oss://audit-bucket/ccc-parquet/ccc_events/ "SELECT')
    expect(text).not.toContain(SECRET)
  })

  it('fails the signature check with the wrong secret (the check itself can fail)', async () => {
    server = await startWebhookServer('dingtalk', SECRET)
    const result = await deliverMessage({ kind: 'dingtalk', url: server.url, secret: 'SECwrong' }, message, fast)
    expect(result.ok).toBe(false)
    expect(server.requests.map((r) => r.signatureValid)).toEqual([false])
    expect(server.messages).toEqual([])
  })

  it('retries a webhook that answers 500 twice, then gets through once', async () => {
    server = await startWebhookServer('dingtalk', SECRET)
    server.script(500, 503)
    const waits: number[] = []
    const result = await deliverMessage({ kind: 'dingtalk', url: server.url, secret: SECRET }, message, {
      backoffMs: (n) => n,
      sleep: async (ms) => void waits.push(ms),
    })
    expect(result).toEqual({ ok: true, attempts: 3 })
    expect(server.requests.map((r) => r.status)).toEqual([500, 503, 200])
    expect(server.messages).toHaveLength(1)
    expect(waits).toEqual([2, 3])
  })

  it('retries 429 but not a refusal such as 400', async () => {
    server = await startWebhookServer('generic')
    server.script(429, 400)
    const result = await deliverMessage({ kind: 'generic', url: server.url }, message, fast)
    expect(result).toMatchObject({ ok: false, attempts: 2 })
    expect(server.requests.map((r) => r.status)).toEqual([429, 400])
  })

  it('gives up on a webhook that is down without throwing, and without the URL (its token) in the reason', async () => {
    server = await startWebhookServer('dingtalk')
    const url = server.url
    await server.close()
    server = undefined
    const result = await deliverMessage({ kind: 'dingtalk', url, secret: SECRET }, message, { ...fast, attempts: 3 })
    expect(result).toMatchObject({ ok: false, attempts: 3 })
    expect(result.ok ? '' : result.reason).not.toContain('test-token')
  })
})
