import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { writeCatalog } from '../../lib/catalog/write-catalog.js'
import { loadConfig } from '../../lib/config.js'
import { putArchive } from '../../lib/demo/archive.js'
import type { InvocationDeps } from '../../lib/fc/container.js'
import { ossTriggerEvent } from '../../lib/fc/oss-event.js'
import { handle } from '../../lib/handlers/oss-trigger.js'
import { ALERT_FAILED_DIR } from '../../lib/layout.js'
import type { LocationSpec } from '../../lib/location.js'
import { jsonLogger } from '../../lib/log.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { listObjects } from '../../lib/storage/list.js'
import type { Location } from '../../lib/storage/open.js'
import { alarmingCalls, burst, type CallSpec, cccCall } from '../support/alert-events.js'
import { queryTable } from '../support/duck.js'
import { tempDir } from '../support/temp.js'
import { startWebhookServer, type WebhookServer } from '../support/webhook-server.js'

const BUCKET = 'trail-bucket'
const DEST_PREFIX = 'ccc-parquet/ccc_events/'
const SECRET = 'SECtrigger-alerts-secret-91ab'

let server: WebhookServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

interface Harness {
  storage: FsStorage
  lines: string[]
  tableRoot: string
  archive(calls: CallSpec[], minute?: number): Promise<string>
  deliver(...keys: string[]): ReturnType<typeof handle>
  failedKeys(): Promise<string[]>
}

/** The trigger core on a bucket folder, alerting to `url` (or not at all), retrying fast. */
async function harness(url: string | undefined): Promise<Harness> {
  const root = await tempDir('trigger-alerts')
  const storage = new FsStorage(root)
  const config = loadConfig({
    SOURCE_BUCKET: BUCKET,
    SOURCE_PREFIX: 'trail/',
    DEST_PREFIX,
    ...(url ? { ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: SECRET, ALERT_WEBHOOK_KIND: 'dingtalk' } : {}),
  })
  const open = (spec: LocationSpec): Location => ({ storage, prefix: spec.prefix, spec })
  const lines: string[] = []
  const deps: InvocationDeps = {
    config,
    open,
    log: jsonLogger((line) => lines.push(line), 'debug'),
    alertDelivery: { backoffMs: () => 1, attempts: 3 },
  }
  await writeCatalog(storage, DEST_PREFIX)
  return {
    storage,
    lines,
    tableRoot: path.join(root, DEST_PREFIX),
    archive: (calls, minute = 15) => putArchive(storage, calls.map(cccCall), { prefix: 'trail/', deliveredAt: new Date(Date.UTC(2021, 1, 3, 22, minute)) }),
    deliver: (...keys) => handle(deps, Buffer.from(JSON.stringify(ossTriggerEvent(keys.map((key) => ({ bucket: BUCKET, key })))))),
    failedKeys: async () => {
      const keys: string[] = []
      for await (const info of listObjects(storage, DEST_PREFIX + ALERT_FAILED_DIR)) keys.push(info.key)
      return keys
    },
  }
}

const markdownOf = (message: Record<string, unknown>) => (message.markdown as { text: string }).text
const queryLines = (text: string) => [...text.matchAll(/ccc-trail query --dest \S+ "(.*)"$/gm)].map((m) => m[1].replace(/\\(.)/g, '$1'))

describe('alerts in the OSS trigger', () => {
  it('sends one signed message for an archive, whose query lines find the rows in the table', async () => {
    server = await startWebhookServer('dingtalk', SECRET)
    const h = await harness(server.url)
    const key = await h.archive(alarmingCalls())
    const summary = await h.deliver(key)
    expect(summary).toMatchObject({ written: 1, failed: 0 })
    expect(server.requests.map((r) => [r.status, r.signatureValid])).toEqual([[200, true]])
    const text = markdownOf(server.messages[0])
    for (const rule of [
      'sensitive-after-hours',
      'new-caller-customer-data',
      'new-address-customer-data',
      'customer-data-burst',
      'root-account',
      'failure-spike',
    ])
      expect(text).toContain(`] ${rule}:`)
    const sqls = queryLines(text)
    expect(sqls.length).toBeGreaterThanOrEqual(6)
    const counts = [...text.matchAll(/· (\d+) calls?\n/g)].map((m) => Number(m[1]))
    for (const [i, sql] of sqls.entries()) {
      const rows = await queryTable(h.tableRoot, sql)
      expect(rows.length, sql).toBe(counts[i])
    }
  })

  it('sends one message for duplicate deliveries of the same archive', async () => {
    server = await startWebhookServer('dingtalk', SECRET)
    const h = await harness(server.url)
    const key = await h.archive(alarmingCalls())
    await h.deliver(key)
    const again = await h.deliver(key)
    await h.deliver(key, key)
    expect(again).toMatchObject({ alreadyDone: 1 })
    expect(server.messages).toHaveLength(1)
  })

  it('gets one message through a webhook that answers 500 twice, then 200', async () => {
    server = await startWebhookServer('dingtalk', SECRET)
    server.script(500, 500)
    const h = await harness(server.url)
    await h.deliver(await h.archive(alarmingCalls()))
    expect(server.requests.map((r) => r.status)).toEqual([500, 500, 200])
    expect(server.messages).toHaveLength(1)
    expect(await h.failedKeys()).toEqual([])
  })

  it('keeps the alerts of a webhook that is down and sends them with the next invocation', async () => {
    server = await startWebhookServer('dingtalk', SECRET)
    server.script(503, 503, 503)
    const h = await harness(server.url)
    const first = await h.deliver(
      await h.archive([{ id: 'root-1', time: '2021-02-03T04:00:00Z', eventName: 'CreateSkillGroup', user: 'root', userType: 'root-account' }]),
    )
    expect(first).toMatchObject({ written: 1, failed: 0 })
    expect(server.messages).toEqual([])
    expect(await h.failedKeys()).toHaveLength(1)
    expect(h.lines.some((l) => l.includes('alert_delivery_failed'))).toBe(true)
    expect(h.lines.join('\n')).not.toContain(SECRET)
    expect(h.lines.join('\n')).not.toContain('test-token')

    await h.deliver(await h.archive([{ id: 'root-2', time: '2021-02-03T04:30:00Z', eventName: 'ListUsers', user: 'root', userType: 'root-account' }], 20))
    expect(server.messages).toHaveLength(1)
    const text = markdownOf(server.messages[0])
    expect(text).toContain('CreateSkillGroup')
    expect(text).toContain('ListUsers')
    expect(await h.failedKeys()).toEqual([])
    // Delivered once: a redelivery of the first archive sends nothing more.
    await h.deliver(await h.archive([{ id: 'root-1', time: '2021-02-03T04:00:00Z', eventName: 'CreateSkillGroup', user: 'root', userType: 'root-account' }]))
    expect(server.messages).toHaveLength(1)
  })

  it('writes the same rows whatever the webhook does', async () => {
    const outcomes = []
    for (const mode of ['none', 'down', 'up'] as const) {
      server = await startWebhookServer('dingtalk', SECRET)
      if (mode === 'down') server.script(500, 500, 500)
      const h = await harness(mode === 'none' ? undefined : server.url)
      const summary = await h.deliver(await h.archive(alarmingCalls()))
      const rows = await queryTable(h.tableRoot, 'SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM ccc_events')
      outcomes.push({ written: summary.written, failed: summary.failed, counts: summary.counts, rows })
      await server.close()
      server = undefined
    }
    expect(outcomes[1]).toEqual(outcomes[0])
    expect(outcomes[2]).toEqual(outcomes[0])
  })

  it('fires a count rule when two concurrent archives of one hour cross it only together', async () => {
    server = await startWebhookServer('dingtalk', SECRET)
    const h = await harness(server.url)
    const reads = (prefix: string, start: string) => burst(30, start, prefix, { eventName: 'ListCallDetailRecords', user: 'bob' })
    const a = await h.archive(reads('a', '2021-02-03T02:00:00Z'), 15)
    const b = await h.archive(reads('b', '2021-02-03T02:30:00Z'), 20)
    await Promise.all([h.deliver(a), h.deliver(b)])
    const bursts = server.messages.filter((m) => markdownOf(m).includes('] customer-data-burst:'))
    // A race may repeat the alert; it never loses it.
    expect(bursts.length).toBeGreaterThanOrEqual(1)
    expect(markdownOf(bursts[0])).toContain('bob · 60 calls')
  })

  it('alerts on a new caller seen by two concurrent archives, and knows the caller afterwards', async () => {
    server = await startWebhookServer('dingtalk', SECRET)
    const h = await harness(server.url)
    const read = (id: string, time: string) => ({ id, time, eventName: 'ListCallDetailRecords', user: 'mallory', address: '198.51.100.7' })
    const a = await h.archive([read('m-1', '2021-02-03T03:00:00Z')], 15)
    const b = await h.archive([read('m-2', '2021-02-03T03:04:00Z')], 20)
    await Promise.all([h.deliver(a), h.deliver(b)])
    const newCaller = server.messages.filter((m) => markdownOf(m).includes('] new-caller-customer-data:'))
    // A race may repeat the alert; it never loses it.
    expect(newCaller.length).toBeGreaterThanOrEqual(1)
    const before = server.messages.length
    await h.deliver(await h.archive([read('m-3', '2021-02-03T03:09:00Z')], 25))
    expect(server.messages).toHaveLength(before)
  })
})
