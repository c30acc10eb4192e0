import { cp, readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ALERT_FAILED_DIR, ALERTS_DIR } from '../../lib/layout.js'
import { alarmingCalls, cccCall, quietCalls } from '../support/alert-events.js'
import { buildLake } from '../support/audit-lake.js'
import { runCli } from '../support/cli.js'
import { runMain } from '../support/cli-main.js'
import { tempDir } from '../support/temp.js'
import { startWebhookServer, type WebhookServer } from '../support/webhook-server.js'

const SECRET = 'SECcli-alerts-secret-55'

let server: WebhookServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const files = (dir: string) => readdir(dir, { recursive: true }).catch(() => [] as string[])

let built: string
beforeAll(async () => {
  // The quiet calls a day earlier (so their callers are known), then the alarming day.
  const dayBefore = quietCalls().map((c) => ({ ...c, id: `before-${c.id}`, time: c.time.replace('2021-02-03', '2021-02-02') }))
  built = await buildLake({ events: [...dayBefore, ...alarmingCalls()].map(cccCall) })
})

/** A copy of the table for one test: runs write their state into it. */
async function lake(): Promise<string> {
  const copy = path.join(await tempDir('alerts-cli'), 'table')
  await cp(built, copy, { recursive: true })
  return copy
}

describe('ccc-trail alerts', () => {
  it('prints the alerts of a window with --dry-run and writes nothing', async () => {
    const table = await lake()
    const run = await runCli(['alerts', '--dest', table, '--from', '2021-02-03', '--dry-run'], { env: { ALERT_WEBHOOK_URL: '' } })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('rows from 2021-02-03 to 2021-02-03: 6 alert(s)')
    for (const rule of [
      'sensitive-after-hours',
      'new-caller-customer-data mallory',
      'new-address-customer-data',
      'customer-data-burst',
      'root-account',
      'failure-spike',
    ])
      expect(run.stdout).toContain(rule.split(' ')[0])
    expect(run.stdout).toContain('mallory')
    expect(await files(path.join(table, ALERTS_DIR))).toEqual([])
  })

  it('sends a window once: a second run finds every alert sent', async () => {
    const table = await lake()
    server = await startWebhookServer('lark', SECRET)
    const env = { ALERT_WEBHOOK_URL: server.url, ALERT_WEBHOOK_SECRET: SECRET, ALERT_WEBHOOK_KIND: 'lark' }
    const first = await runCli(['alerts', '--dest', table, '--from', '2021-02-03', '--to', '2021-02-03'], { env })
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toContain('sent one message with 6 alert(s)')
    const again = await runCli(['alerts', '--dest', table, '--from', '2021-02-03'], { env })
    expect(again.stdout).toContain('nothing to send; 6 alert(s) already sent before')
    expect(server.messages).toHaveLength(1)
    expect(server.requests.every((r) => r.signatureValid)).toBe(true)
  })

  it('keeps a refused message and sends it with --resend', async () => {
    const table = await lake()
    server = await startWebhookServer('generic', SECRET)
    server.script(400)
    const env = { ALERT_WEBHOOK_URL: server.url, ALERT_WEBHOOK_SECRET: SECRET, ALERT_WEBHOOK_KIND: 'generic' }
    const refused = await runCli(['alerts', '--dest', table, '--from', '2021-02-03'], { env })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain('6 alert(s) kept under _ccc_trail/alerts/failed/')
    expect(await files(path.join(table, ALERT_FAILED_DIR))).toHaveLength(1)
    const resent = await runCli(['alerts', '--dest', table, '--resend'], { env })
    expect(resent.code, resent.stderr).toBe(0)
    expect(resent.stdout).toContain('sent one message with 6 alert(s)')
    expect(server.messages).toHaveLength(1)
    expect((server.messages[0].alerts as unknown[]).length).toBe(6)
    expect(await files(path.join(table, ALERT_FAILED_DIR))).toEqual([])
  })

  it('rebuilds the seen-before state from the table', async () => {
    const table = await lake()
    const run = await runCli(['alerts', '--dest', table, '--rebuild-state'], { env: { ALERT_WEBHOOK_URL: '' } })
    expect(run.code, run.stderr).toBe(0)
    // alice, bob, carol, mallory, root; two addresses.
    expect(run.stdout).toContain('rebuilt 7 sighting(s)')
    expect((await files(path.join(table, ALERTS_DIR, 'seen'))).filter((f) => f.endsWith('.json'))).toHaveLength(7)
  })

  it('answers bad flags with status 2, naming the flag or setting', async () => {
    const table = await lake()
    const cases: [string[], string][] = [
      [['alerts', '--dest', table], 'give --from/--to'],
      [['alerts', '--dest', table, '--from', '2021-02-31', '--dry-run'], '--from must be a date'],
      [['alerts', '--dest', table, '--from', '2021-02-03'], 'ALERT_WEBHOOK_URL is not set'],
    ]
    for (const [args, text] of cases) {
      const run = await runMain(args, { ALERT_WEBHOOK_URL: '' })
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr).toContain(text)
    }
    const badRules = await runMain(['alerts', '--dest', table, '--from', '2021-02-03', '--dry-run'], { ALERT_RULES: path.join(table, 'missing.yaml') })
    expect(badRules.code).toBe(2)
    expect(badRules.stderr).toContain('ALERT_RULES')
  })
})
