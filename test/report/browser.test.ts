import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../lib/config.js'
import { writeReport } from '../../lib/report/write-report.js'
import { buildLake, intrusion } from '../support/audit-lake.js'
import { BROWSER_FLAGS, browserExecutable } from '../support/browser.js'
import { tempDir } from '../support/temp.js'

const SECTIONS = ['overview', 'customer-data', 'administration', 'failures', 'newcomers', 'after-hours']

describe('the audit report in a browser', () => {
  it('loads without console errors or requests beyond the file, and shows every section and chart', async () => {
    const root = await buildLake({
      corpus: { seed: 5, startDate: '2021-02-02', days: 2, archivesPerDay: 4, eventsPerArchive: 40, regions: ['cn-shanghai'] },
      events: intrusion(),
    })
    const out = path.join(await tempDir('ccc-report'), 'report.html')
    await writeReport(loadConfig({}, { DEST: root }), out)
    const html = readFileSync(out, 'utf8')

    // Self-contained: nothing to fetch, nothing to run.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i)
    for (const m of html.matchAll(/\b(?:src|href)="([^"]*)"/g)) expect(m[1], m[0]).toMatch(/^#/)
    expect(html).not.toMatch(/https?:\/\//)

    const context = await chromium.launchPersistentContext(await tempDir('ccc-chromium-profile'), {
      executablePath: await browserExecutable(),
      headless: true,
      args: BROWSER_FLAGS,
      viewport: { width: 1200, height: 900 },
    })
    try {
      const page = await context.newPage()
      const problems: string[] = []
      const requests: string[] = []
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`)
      })
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
      context.on('request', (request) => requests.push(request.url()))
      await page.goto(`file://${out}`, { waitUntil: 'load' })

      for (const id of SECTIONS) {
        const section = page.locator(`section#${id}`)
        expect(await section.isVisible(), id).toBe(true)
        expect(await section.locator('h2').textContent(), id).not.toBe('')
        expect(await section.locator('details.sql').evaluate((d) => (d as HTMLDetailsElement).open), `${id}: SQL folded`).toBe(false)
      }
      const charts = page.locator('figure.chart svg')
      expect(await charts.count()).toBe(7) // overview 2, then one each: customer data, administration, failures, newcomers, after hours
      for (const chart of await charts.all()) {
        expect(await chart.isVisible()).toBe(true)
        const box = (await chart.boundingBox())!
        expect(box.width).toBeGreaterThan(300)
        expect(box.height).toBeGreaterThan(80)
        expect(await chart.locator('path, rect').count()).toBeGreaterThan(3)
      }
      await expect.poll(() => page.locator('#failures svg text', { hasText: '▲ Forbidden.NoPermission' }).count()).toBe(1)

      const screenshot = path.join(path.dirname(out), 'report.png')
      await page.screenshot({ path: screenshot, fullPage: true })
      expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG')
      expect(statSync(screenshot).size).toBeGreaterThan(50_000)

      expect(problems).toEqual([])
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([])
    } finally {
      await context.close()
    }
  }, 180_000)
})
