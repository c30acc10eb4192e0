import { hourOfDaySpec } from '../chart-specs.js'
import { callListTable, count, formatCount, type ReportSection, type SectionContext } from '../model.js'
import { afterHoursSql } from '../sql.js'
import { describeWorkHours } from '../window.js'

export async function afterHoursSection({ db, scope, chart }: SectionContext): Promise<ReportSection> {
  const sql = afterHoursSql(scope)
  const [totals] = await db.rows(sql.totals)
  const byHour = await db.rows(sql.byHour)
  const byCaller = await db.rows(sql.byCaller)
  const sensitiveCalls = await db.rows(sql.sensitiveCalls)
  const sensitive = count(totals.sensitive_calls)
  const any = byHour.some((r) => count(r.events) > 0)
  return {
    id: 'after-hours',
    title: 'Activity outside working hours',
    titleZh: '非工作时间的活动',
    intro: `Working hours are ${describeWorkHours(scope.hours)}, every day (set with --work-hours and --time-zone). Everything else counts as outside.`,
    figures: [
      { label: 'events outside working hours', value: formatCount(totals.events), alert: count(totals.events) > 0 },
      { label: 'callers', value: formatCount(totals.callers) },
      { label: 'sensitive calls', value: formatCount(sensitive), alert: sensitive > 0 },
      { label: 'failed', value: formatCount(totals.failed) },
    ],
    charts: any ? [{ title: 'Events by hour of day', svg: await chart(hourOfDaySpec(byHour), 'Events by hour of day') }] : [],
    tables: [
      {
        caption: 'Callers outside working hours',
        columns: [
          { key: 'caller', title: 'caller', kind: 'code' },
          { key: 'events', title: 'events', kind: 'number' },
          { key: 'sensitive_calls', title: 'sensitive', kind: 'number' },
          { key: 'first_call', title: 'first' },
          { key: 'last_call', title: 'last' },
          { key: 'apis', title: 'APIs' },
        ],
        rows: byCaller,
        empty: 'No activity outside working hours.',
      },
      callListTable('Sensitive calls outside working hours, newest first', sensitiveCalls, sensitive, scope, 'No sensitive calls outside working hours.'),
    ],
    queries: [
      { label: 'totals', sql: sql.totals },
      { label: 'by hour of day', sql: sql.byHour },
      { label: 'by caller', sql: sql.byCaller },
      { label: 'sensitive calls', sql: sql.sensitiveCalls },
    ],
  }
}
