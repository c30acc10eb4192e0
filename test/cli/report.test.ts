import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildLake, event } from '../support/audit-lake.js'
import { runCli } from '../support/cli.js'
import { runMain } from '../support/cli-main.js'
import { tempDir } from '../support/temp.js'

describe('ccc-trail report', () => {
  it('writes the page for the window asked and says where; bad flags get a usage error', async () => {
    const lake = await buildLake({ events: [event('DownloadRecording', '2021-02-03T01:00:00Z'), event('ListUsers', '2021-02-03T02:00:00Z')] })
    const out = path.join(await tempDir('ccc-report-cli'), 'audit.html')

    const run = await runCli([
      'report',
      '--dest',
      lake,
      '--from',
      '2021-02-01',
      '--to',
      '2021-02-03',
      '--out',
      out,
      '--work-hours',
      '08-20',
      '--time-zone',
      'UTC',
    ])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain(`Wrote the audit report for 2021-02-01 to 2021-02-03 to ${out}`)
    const html = readFileSync(out, 'utf8')
    expect(html).toContain('<p class="period">2021-02-01 – 2021-02-03</p>')
    expect(html).toContain('08:00–20:00 UTC')
    expect(html).toContain('下载录音')

    const badHours = await runMain(['report', '--dest', lake, '--out', out, '--work-hours', '9to5'])
    expect(badHours.code).toBe(2)
    expect(badHours.stderr).toContain('--work-hours must look like 09-18')
    const badDay = await runMain(['report', '--dest', lake, '--out', out, '--from', '2021-02-30'])
    expect(badDay.code).toBe(2)
    expect(badDay.stderr).toContain('--from must be a date YYYY-MM-DD, got "2021-02-30"')
  }, 120_000)
})
