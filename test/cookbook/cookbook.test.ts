import { beforeAll, describe, expect, it } from 'vitest'
import { writeCatalog } from '../../lib/catalog/write-catalog.js'
import { compactTable } from '../../lib/compact/compact-table.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { silentLogger } from '../../lib/log.js'
import { COOKBOOK, COOKBOOK_CORPUS } from '../../lib/query/cookbook.js'
import { processArchives } from '../../lib/run-archives.js'
import { queryTable } from '../support/duck.js'
import { testPipeline } from '../support/pipeline.js'

type Rows = Record<string, unknown>[]

const total = (rows: Rows, column: string) => rows.reduce((sum, row) => sum + Number(row[column]), 0)

let root = ''
const direct = (sql: string) => queryTable(root, sql)
const count = async (where: string) => Number((await direct(`SELECT count(*) AS n FROM ccc_events WHERE ${where}`))[0].n)

/** What each recipe's answer must agree with, computed another way. */
const CHECKS: Record<string, (rows: Rows) => Promise<void>> = {
  'calls-per-agent-per-day': async (rows) => {
    expect(total(rows, 'calls')).toBe(await count('user_name IS NOT NULL'))
    expect(total(rows, 'failed')).toBe(await count('user_name IS NOT NULL AND error_code IS NOT NULL'))
    expect(new Set(rows.map((r) => r.dt))).toEqual(new Set(['2021-02-01', '2021-02-02', '2021-02-03']))
    expect(rows.some((r) => String(r.agent).includes(':'))).toBe(false)
  },
  'failed-calls-by-error': async (rows) => {
    expect(total(rows, 'failures')).toBe(await count('error_code IS NOT NULL'))
    expect(rows.length).toBeGreaterThan(1)
  },
  'recording-downloads': async (rows) => {
    expect(rows.length).toBe(await count("event_name = 'DownloadRecording'"))
    for (const row of rows) expect(row.file_name).toMatch(/\.wav$/)
  },
  'console-vs-api': async (rows) => {
    expect(total(rows, 'calls')).toBe(await count('true'))
    expect(rows.map((r) => r.event_type).sort()).toEqual(['ApiCall', 'ConsoleOperation'])
    expect(total(rows, 'pct')).toBeCloseTo(100, 0)
  },
  'activity-by-source-ip': async (rows) => {
    expect(total(rows, 'calls')).toBe(await count('true'))
    expect(total(rows, 'failed')).toBe(await count('error_code IS NOT NULL'))
    expect(rows.map((r) => r.source_ip_address)).toContain('Internal')
  },
  'configuration-changes': async (rows) => {
    for (const row of rows) expect(row.meaning_en, String(row.event_name)).toEqual(expect.any(String))
    expect(total(rows, 'changes')).toBe(await count("event_name IN ('CreateSkillGroup', 'AssignUsers', 'AddBulkPhoneNumbers') AND error_code IS NULL"))
  },
  'configuration-writes-with-resources': async (rows) => {
    expect(rows.length).toBe(
      await count("dt = DATE '2021-02-02' AND event_rw = 'Write' AND event_name IN ('CreateSkillGroup', 'AssignUsers', 'AddBulkPhoneNumbers')"),
    )
    for (const row of rows) expect(row.instance, String(row.event_name)).toEqual(expect.any(String))
    const touched = (column: string) => rows.filter((row) => row[column] !== null).map((row) => row.event_name)
    expect(new Set(touched('numbers'))).toEqual(new Set(rows.filter((r) => r.event_name === 'AddBulkPhoneNumbers').map((r) => r.event_name)))
    expect(touched('agents').length).toBeGreaterThan(0)
  },
  'assumed-role-sessions': async (rows) => {
    expect(total(rows, 'calls')).toBe(await count("user_type = 'assumed-role'"))
    expect(total(rows, 'writes')).toBe(await count("user_type = 'assumed-role' AND event_rw = 'Write'"))
    expect(new Set(rows.map((r) => r.issuing_role))).toEqual(new Set(['AliyunCCCWorkbenchRole']))
    for (const row of rows) expect(row.role_arn).toMatch(/^acs:ram::\d+:role\//)
  },
  'mfa-off': async (rows) => {
    expect(total(rows, 'console_ops') + total(rows, 'api_calls')).toBe(await count('mfa_authenticated = false'))
    expect(new Set(rows.map((r) => r.user_type))).toEqual(new Set(['ram-user', 'root-account', 'assumed-role']))
  },
  'top-apis': async (rows) => {
    expect(rows).toHaveLength(10)
    const calls = rows.map((r) => Number(r.calls))
    expect(calls).toEqual([...calls].sort((a, b) => b - a))
    const [top] = await direct('SELECT event_name, count(*) AS n FROM ccc_events GROUP BY 1 ORDER BY 2 DESC LIMIT 1')
    expect(rows[0]).toMatchObject({ event_name: top.event_name, calls: top.n })
    for (const row of rows) expect(row.meaning_zh).toEqual(expect.any(String))
  },
}

describe('query cookbook', () => {
  beforeAll(async () => {
    const pipeline = await testPipeline()
    const corpus = await generateCorpus(pipeline.source, COOKBOOK_CORPUS)
    await processArchives(pipeline, corpus.keys, { concurrency: 4 })
    await compactTable(pipeline.dest, pipeline.destPrefix, { selection: {}, targetBytes: 128 << 20 }, silentLogger)
    await writeCatalog(pipeline.dest, pipeline.destPrefix)
    root = pipeline.destRoot
    expect(await count('true')).toBe(corpus.cccEvents)
  }, 60_000)

  it('has a check for every recipe and unique ids', () => {
    expect(Object.keys(CHECKS).sort()).toEqual(COOKBOOK.map((r) => r.id).sort())
  })

  it.each(COOKBOOK.map((recipe) => [recipe.id, recipe] as const))('%s answers with rows that agree with a direct count', async (id, recipe) => {
    const rows = await direct(recipe.sql)
    expect(rows.length, id).toBeGreaterThan(0)
    await CHECKS[id](rows)
  })
})
