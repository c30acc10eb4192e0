import { readdir, rename } from 'node:fs/promises'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { CCC_API_CATALOG } from '../../lib/catalog/ccc-api.js'
import { withDuckDb } from '../../lib/query/duckdb.js'
import { createViews } from '../../lib/query/views.js'
import { type BuiltReport, buildReport, type ReportOptions } from '../../lib/report/build-report.js'
import type { ReportSection } from '../../lib/report/model.js'
import { buildLake, event, intrusion, MALLORY_IP, RESOURCES } from '../support/audit-lake.js'
import { queryTable } from '../support/duck.js'

const names = (pick: (e: (typeof CCC_API_CATALOG)[number]) => boolean) => [...new Set(CCC_API_CATALOG.filter(pick).map((e) => `'${e.eventName}'`))].join(', ')
const CUSTOMER_DATA = names((e) => e.sensitive && (e.category === 'customer_data' || e.category === 'reporting'))
const ADMINISTRATION = names((e) => e.sensitive && (e.category === 'administration' || e.category === 'configuration'))
const SENSITIVE = names((e) => e.sensitive)
const LOCAL_HOUR = "hour(timezone('Asia/Shanghai', event_time))"

/** Rewrites every data file without the columns added after the first release, as an older lake has them. */
async function dropNewerColumns(root: string): Promise<void> {
  const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.parquet') && f.startsWith('dt='))
  await withDuckDb(async (db) => {
    for (const file of files) {
      const full = path.join(root, file)
      await db.run(
        `COPY (SELECT * EXCLUDE (event_rw, recipient_account_id, referenced_resources, unmapped) FROM read_parquet('${full}')) TO '${full}.old' (FORMAT parquet)`,
      )
      await rename(`${full}.old`, full)
    }
  })
}

async function report(root: string, options: Omit<ReportOptions, 'location'>): Promise<BuiltReport> {
  return withDuckDb(async (db) => {
    return buildReport(await createViews(db, root), { location: root, ...options })
  })
}

function section(built: BuiltReport, id: string): ReportSection {
  return built.sections.find((s) => s.id === id)!
}

/** A figure's leading number ("1,234 (5.0%)" -> 1234). */
function figure(built: BuiltReport, id: string, label: string): number {
  const found = section(built, id).figures.find((f) => f.label === label)
  expect(found, `${id}: ${label}`).toBeDefined()
  return Number(found!.value.split(' ')[0].replace(/,/g, ''))
}

function table(built: BuiltReport, id: string, caption: string) {
  return section(built, id).tables.find((t) => t.caption === caption)!
}

const sum = (rows: Record<string, unknown>[], column: string) => rows.reduce((total, row) => total + Number(row[column]), 0)

describe('audit report sections, checked against direct SQL', () => {
  let root = ''
  let built: BuiltReport
  let lastDay: Promise<BuiltReport> | undefined
  /** The report of 2021-02-03 alone, built once for the tests that look at it. */
  const reportOfLastDay = () => (lastDay ??= report(root, { from: '2021-02-03', to: '2021-02-03' }))
  const inWindow = "dt BETWEEN DATE '2021-02-01' AND DATE '2021-02-03'"
  const direct = async (sql: string) => (await queryTable(root, sql))[0]
  const countWhere = async (where: string) => Number((await direct(`SELECT count(*) AS n FROM ccc_events WHERE ${inWindow} AND ${where}`)).n)

  beforeAll(async () => {
    root = await buildLake({
      corpus: { seed: 3, startDate: '2021-02-01', days: 3, archivesPerDay: 6, eventsPerArchive: 40, regions: ['cn-shanghai'] },
      events: intrusion(),
    })
    built = await report(root, { from: '2021-02-01', to: '2021-02-03' })
  }, 120_000)

  it('overview: events, callers, addresses, keys, failures, per day and per API', async () => {
    const expected = await direct(`SELECT count(*) AS events, count(DISTINCT coalesce(user_name, principal_id, access_key_id, '(unknown)')) AS callers,
      count(DISTINCT source_ip_address) AS addresses, count(DISTINCT access_key_id) AS keys, count(error_code) AS failed FROM ccc_events WHERE ${inWindow}`)
    expect(figure(built, 'overview', 'events')).toBe(Number(expected.events))
    expect(figure(built, 'overview', 'callers')).toBe(Number(expected.callers))
    expect(figure(built, 'overview', 'source addresses')).toBe(Number(expected.addresses))
    expect(figure(built, 'overview', 'access keys')).toBe(Number(expected.keys))
    expect(figure(built, 'overview', 'failed calls')).toBe(Number(expected.failed))
    const perDay = await queryTable(
      root,
      `SELECT dt, count(*) AS events, count(error_code) AS failed FROM ccc_events WHERE ${inWindow} GROUP BY dt ORDER BY dt`,
    )
    expect(table(built, 'overview', 'Per day').rows.map((r) => ({ dt: r.dt, events: r.events, failed: r.failed }))).toEqual(perDay)
    const perApi = await queryTable(root, `SELECT event_name, count(*) AS events FROM ccc_events WHERE ${inWindow} GROUP BY 1 ORDER BY events DESC, event_name`)
    expect(table(built, 'overview', 'Per API').rows.map((r) => ({ event_name: r.event_name, events: r.events }))).toEqual(perApi)
    expect(table(built, 'overview', 'Per API').rows.find((r) => r.event_name === 'DownloadRecording')).toMatchObject({
      meaning_zh: '下载录音',
      category: 'customer_data',
      sensitive: true,
    })
    expect(section(built, 'overview').charts).toHaveLength(2)
  })

  it("customer data: the catalog's sensitive customer_data and reporting calls, who made them and from where", async () => {
    const total = await countWhere(`event_name IN (${CUSTOMER_DATA})`)
    expect(total).toBeGreaterThan(20)
    expect(figure(built, 'customer-data', 'calls')).toBe(total)
    expect(figure(built, 'customer-data', 'failed')).toBe(await countWhere(`event_name IN (${CUSTOMER_DATA}) AND error_code IS NOT NULL`))
    const who = table(built, 'customer-data', 'Who accessed what').rows
    expect(sum(who, 'calls')).toBe(total)
    expect(who.find((r) => r.caller === 'mallory')).toMatchObject({
      calls: '13',
      failed: '12',
      addresses: MALLORY_IP,
      apis: 'ListCallDetailRecords ×12, DownloadRecording ×1',
    })
    const calls = table(built, 'customer-data', 'Calls, newest first')
    expect(calls.rows).toHaveLength(25)
    expect(calls.total).toBe(total)
    const newest = await queryTable(
      root,
      `SELECT strftime(timezone('Asia/Shanghai', event_time), '%Y-%m-%d %H:%M:%S') AS local_time, event_name, coalesce(error_code, 'OK') AS result
      FROM ccc_events WHERE ${inWindow} AND event_name IN (${CUSTOMER_DATA}) ORDER BY event_time DESC, event_id LIMIT 25`,
    )
    expect(calls.rows.map((r) => ({ local_time: r.local_time, event_name: r.event_name, result: r.result }))).toEqual(newest)
  })

  it('administration: sensitive administration and configuration calls, with the resources they referenced', async () => {
    const total = await countWhere(`event_name IN (${ADMINISTRATION})`)
    expect(figure(built, 'administration', 'changes')).toBe(total)
    expect(sum(table(built, 'administration', 'Who changed what').rows, 'calls')).toBe(total)
    const change = table(built, 'administration', 'Changes, newest first').rows.find((r) => r.caller === 'mallory')
    expect(change).toMatchObject({
      event_name: 'CreateUser',
      meaning_zh: '创建坐席',
      instance_id: 'ccc-test-7f3a',
      parameters: 'LoginName=backdoor, RoleId=Admin',
      result: 'OK',
    })
    expect(JSON.parse(String(change!.referenced_resources))).toEqual(RESOURCES)
    expect(section(built, 'administration').tables[1].columns.map((c) => c.key)).toContain('referenced_resources')
  })

  it('failures: by error code and caller, and the burst marked as the only spike', async () => {
    const failed = await countWhere('error_code IS NOT NULL')
    expect(sum(table(built, 'failures', 'By error code').rows, 'calls')).toBe(failed)
    const byCaller = await queryTable(
      root,
      `SELECT coalesce(user_name, principal_id, access_key_id, '(unknown)') AS caller, error_code, count(*) AS calls
      FROM ccc_events WHERE ${inWindow} AND error_code IS NOT NULL GROUP BY ALL ORDER BY calls DESC, caller, error_code`,
    )
    const shown = table(built, 'failures', 'By caller')
    expect(shown.rows.map((r) => ({ caller: r.caller, error_code: r.error_code, calls: r.calls }))).toEqual(byCaller.slice(0, 25))
    expect(shown.total).toBe(byCaller.length > 25 ? byCaller.length : undefined)
    expect(sum(byCaller, 'calls')).toBe(failed)
    expect(table(built, 'failures', 'By caller').rows).toContainEqual(
      expect.objectContaining({ caller: 'mallory', error_code: 'Forbidden.NoPermission', calls: '12', apis: 'ListCallDetailRecords' }),
    )
    const burst = await countWhere(
      `error_code = 'Forbidden.NoPermission' AND date_trunc('hour', timezone('Asia/Shanghai', event_time)) = TIMESTAMP '2021-02-03 14:00:00'`,
    )
    expect(table(built, 'failures', 'Spikes').rows).toEqual([
      { hour: '2021-02-03 14:00:00', error_code: 'Forbidden.NoPermission', failed: String(burst), spike: true },
    ])
    expect(figure(built, 'failures', 'spikes')).toBe(1)
  })

  it('newcomers: callers, keys and addresses of the window never seen in the days before', async () => {
    const oneDay = await reportOfLastDay()
    const fresh = async (column: string) =>
      (
        await queryTable(
          root,
          `SELECT DISTINCT ${column} AS v FROM ccc_events WHERE dt = DATE '2021-02-03' AND ${column} IS NOT NULL AND ${column} NOT LIKE 'STS.%'
      EXCEPT SELECT DISTINCT ${column} FROM ccc_events WHERE dt = DATE '2021-02-02'`,
        )
      ).map((r) => r.v)
    const callers = await fresh('user_name')
    const keys = await fresh('access_key_id')
    const addresses = await fresh('source_ip_address')
    expect(callers).toContain('mallory')
    expect(keys).toEqual(['LTAI5tMaLL0ryKeyNew0001'])
    expect(figure(oneDay, 'newcomers', 'new callers')).toBe(callers.length)
    expect(figure(oneDay, 'newcomers', 'new access keys')).toBe(keys.length)
    expect(figure(oneDay, 'newcomers', 'new source addresses')).toBe(addresses.length)
    const listed = table(oneDay, 'newcomers', 'New values, first seen first').rows
    expect(listed.filter((r) => r.kind === 'access key').map((r) => r.value)).toEqual(keys)
    expect(
      listed
        .filter((r) => r.kind === 'source address')
        .map((r) => r.value)
        .sort(),
    ).toEqual([...addresses].sort())
    expect(listed.find((r) => r.value === 'mallory')).toMatchObject({ kind: 'caller', first_seen: '2021-02-03 10:00:00', calls: '14' })
    expect(figure(oneDay, 'newcomers', 'events in the period before')).toBe(
      Number((await direct("SELECT count(*) AS n FROM ccc_events WHERE dt = DATE '2021-02-02'")).n),
    )
  })

  it('after hours: events outside 09-18 Asia/Shanghai, sensitive ones listed', async () => {
    const outside = `(${LOCAL_HOUR} < 9 OR ${LOCAL_HOUR} >= 18)`
    expect(figure(built, 'after-hours', 'events outside working hours')).toBe(await countWhere(outside))
    expect(figure(built, 'after-hours', 'sensitive calls')).toBe(await countWhere(`${outside} AND event_name IN (${SENSITIVE})`))
    const byHour = await queryTable(root, `SELECT ${LOCAL_HOUR} AS hour, count(*) AS events FROM ccc_events WHERE ${inWindow} GROUP BY 1 ORDER BY 1`)
    const hours = section(built, 'after-hours')
    expect(hours.charts).toHaveLength(1)
    expect(sum(table(built, 'after-hours', 'Callers outside working hours').rows, 'events')).toBe(await countWhere(outside))
    const listed = table(built, 'after-hours', 'Sensitive calls outside working hours, newest first').rows
    const newest = await queryTable(
      root,
      `SELECT strftime(timezone('Asia/Shanghai', event_time), '%Y-%m-%d %H:%M:%S') AS local_time, event_name
      FROM ccc_events WHERE ${inWindow} AND ${outside} AND event_name IN (${SENSITIVE}) ORDER BY event_time DESC, event_id LIMIT 25`,
    )
    expect(listed.map((r) => ({ local_time: r.local_time, event_name: r.event_name }))).toEqual(newest)
    expect(table(await reportOfLastDay(), 'after-hours', 'Sensitive calls outside working hours, newest first').rows).toContainEqual(
      expect.objectContaining({ local_time: '2021-02-04 03:30:00', caller: 'mallory', event_name: 'DownloadRecording', source_ip_address: MALLORY_IP }),
    )
    expect(byHour.length).toBeGreaterThan(0)
  })

  it('after hours follows --work-hours and --time-zone, including a shift across midnight', async () => {
    const night = await report(root, { from: '2021-02-01', to: '2021-02-03', workHours: '22-06', timeZone: 'UTC' })
    const utcHour = "hour(timezone('UTC', event_time))"
    expect(figure(night, 'after-hours', 'events outside working hours')).toBe(await countWhere(`${utcHour} >= 6 AND ${utcHour} < 22`))
    expect(section(night, 'after-hours').intro).toContain('22:00–06:00 UTC')
  })

  it('an empty window: every number zero, every table empty, no chart, and the page still renders', async () => {
    const empty = await report(root, { from: '2020-01-01', to: '2020-01-07' })
    for (const s of empty.sections) {
      expect(s.charts, s.id).toEqual([])
      for (const t of s.tables) if (t.caption !== 'Per day') expect(t.rows, `${s.id}: ${t.caption}`).toEqual([])
      for (const f of s.figures) expect(Number(f.value.split(' ')[0]), `${s.id}: ${f.label}`).toBe(0)
    }
    expect(table(empty, 'overview', 'Per day').rows.map((r) => r.events)).toEqual(Array(7).fill('0'))
    expect(section(empty, 'newcomers').intro).toContain('every value counts as new')
    expect(empty.html).toContain('No one accessed customer data in this window.')
  })

  it('defaults to the last seven days present in the table', async () => {
    const [days] = await queryTable(root, 'SELECT min(dt)::VARCHAR AS oldest, max(dt)::VARCHAR AS newest FROM ccc_events')
    expect(days).toEqual({ oldest: '2021-01-31', newest: '2021-02-03' }) // late events of the day before the first folder
    const latest = await report(root, {})
    expect(latest.scope.window).toMatchObject({ from: '2021-01-31', to: '2021-02-03', previousFrom: '2021-01-27', previousTo: '2021-01-30' })
  })
})

describe('audit report on other tables', () => {
  it('a window without sensitive calls: customer-data and administration sections are empty, the rest is not', async () => {
    const times = ['2021-02-03T01:00:00Z', '2021-02-03T03:00:00Z', '2021-02-03T15:00:00Z']
    const root = await buildLake({
      events: times.flatMap((t) => [event('RefreshToken', t), event('ListConfig', t), event('SaveWebRTCStats', t, { errorCode: 'Throttling.User' })]),
    })
    const quiet = await report(root, {})
    expect(figure(quiet, 'overview', 'events')).toBe(9)
    expect(figure(quiet, 'overview', 'failed calls')).toBe(3)
    expect(figure(quiet, 'customer-data', 'calls')).toBe(0)
    expect(figure(quiet, 'administration', 'changes')).toBe(0)
    expect(figure(quiet, 'after-hours', 'events outside working hours')).toBe(3)
    expect(figure(quiet, 'after-hours', 'sensitive calls')).toBe(0)
    expect(section(quiet, 'customer-data').charts).toEqual([])
    expect(quiet.html).toContain('No administrative changes in this window.')
  })

  it('a table written before the last four columns existed: administration shows parameters, no resources column', async () => {
    const root = await buildLake({ events: intrusion() })
    await dropNewerColumns(root)
    const old = await report(root, {})
    expect(old.scope.shape.eventColumns.has('referenced_resources')).toBe(false)
    expect(figure(old, 'administration', 'changes')).toBe(1)
    const changes = table(old, 'administration', 'Changes, newest first')
    expect(changes.columns.map((c) => c.key)).not.toContain('referenced_resources')
    expect(changes.rows[0]).toMatchObject({ event_name: 'CreateUser', parameters: 'LoginName=backdoor, RoleId=Admin', referenced_resources: null })
    expect(section(old, 'administration').intro).toContain('no referenced_resources column')
    expect(figure(old, 'customer-data', 'calls')).toBe(13)
  })

  it('a table without its API catalog says so and recognises nothing as sensitive', async () => {
    const root = await buildLake({ events: [event('DownloadRecording', '2021-02-03T01:00:00Z')], catalog: false })
    const bare = await report(root, {})
    expect(bare.scope.shape.catalog).toBe('none')
    expect(figure(bare, 'overview', 'events')).toBe(1)
    expect(figure(bare, 'customer-data', 'calls')).toBe(0)
    expect(bare.html).toContain('The table has no API catalog')
    expect(bare.html).toContain('not in the API catalog')
  })
})
