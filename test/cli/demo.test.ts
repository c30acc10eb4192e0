import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CCC_API_CATALOG } from '../../lib/catalog/ccc-api.js'
import { runCli } from '../support/cli.js'
import { queryTable } from '../support/duck.js'
import { tempDir } from '../support/temp.js'

describe('ccc-trail demo (npm start)', () => {
  it('generates archives, processes them and prints the per-day summary with meanings', async () => {
    const dir = await tempDir('ccc-demo')
    const run = await runCli(['demo', '--dir', dir, '--days', '2'])
    expect(run.code, run.stderr).toBe(0)
    const generated = /Generated (\d+) ActionTrail archives \((\d+) events, (\d+) of them CCC/.exec(run.stdout)
    expect(generated).not.toBeNull()
    expect(run.stdout).toContain('quarantined  ') // the broken archive, with its reason
    expect(run.stdout).toMatch(/reason (truncated_gzip|not_gzip)/)
    expect(run.stdout).toMatch(/^skipped +AliyunLogs\/Actiontrail\/README.txt +\(not_an_archive\)/m)
    expect(run.stdout).toMatch(/ListConfig\s+\| Get configuration items in batch\s+\| 批量获取配置/)

    const lake = path.join(dir, 'lake')
    const [counts] = await queryTable(lake, 'SELECT count(*) AS n, count(DISTINCT event_id) AS ids, count(DISTINCT dt) AS days FROM ccc_events')
    const accounted = /events (\d+) = rows (\d+) \+ non-CCC (\d+) \+ quarantined (\d+)/.exec(run.stdout)!
    expect(counts.n).toBe(accounted[2])
    expect(counts.ids).toBe(counts.n)
    expect(Number(counts.days)).toBe(3) // two folder days plus the late events of the day before
    expect(Number(accounted[1])).toBe(Number(generated![2]))
    const [catalog] = await queryTable(lake, 'SELECT count(*) AS n FROM ccc_api_catalog')
    expect(Number(catalog.n)).toBe(CCC_API_CATALOG.length)

    const report = path.join(dir, 'report.html')
    expect(run.stdout).toContain(`Audit report (open it in a browser): ${report}`)
    const html = readFileSync(report, 'utf8')
    expect(html).toContain('<h2>Access to customer data')
    expect(html).toMatch(/<svg role="img"/)
  })
})
