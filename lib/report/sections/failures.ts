import { hourlyFailuresSpec } from '../chart-specs.js'
import { count, formatCount, type ReportSection, type SectionContext } from '../model.js'
import { failuresSql, LIST_LIMIT } from '../sql.js'

export async function failuresSection({ db, scope, chart }: SectionContext): Promise<ReportSection> {
  const sql = failuresSql(scope)
  const byCode = await db.rows(sql.byCode)
  const byCaller = await db.rows(sql.byCaller)
  const hourly = await db.rows(sql.hourly)
  const spikes = hourly.filter((r) => r.spike === true)
  const total = byCode.reduce((sum, r) => sum + count(r.calls), 0)
  return {
    id: 'failures',
    title: 'Refused and failed calls',
    titleZh: '被拒绝和失败的调用',
    intro:
      'Calls that returned an error code, by code and by caller. A spike is an hour in which one error code failed at least 5 times and more than its hourly mean plus three standard deviations over the window.',
    figures: [
      { label: 'failed calls', value: formatCount(total), alert: total > 0 },
      { label: 'error codes', value: formatCount(byCode.length) },
      { label: 'callers affected', value: formatCount(new Set(byCaller.map((r) => r.caller)).size) },
      { label: 'spikes', value: formatCount(spikes.length), alert: spikes.length > 0 },
    ],
    charts:
      total === 0
        ? []
        : [{ title: 'Failed calls per hour, by error code (▲ spike)', svg: await chart(hourlyFailuresSpec(hourly), 'Failed calls per hour, by error code') }],
    tables: [
      {
        caption: 'Spikes',
        columns: [
          { key: 'hour', title: `hour (${scope.hours.timeZone})` },
          { key: 'error_code', title: 'error code', kind: 'result' },
          { key: 'failed', title: 'failed', kind: 'number' },
        ],
        rows: spikes,
        empty: 'No spikes.',
      },
      {
        caption: 'By error code',
        columns: [
          { key: 'error_code', title: 'error code', kind: 'result' },
          { key: 'calls', title: 'calls', kind: 'number' },
          { key: 'callers', title: 'callers', kind: 'number' },
          { key: 'apis', title: 'APIs', kind: 'number' },
          { key: 'first_seen', title: 'first' },
          { key: 'last_seen', title: 'last' },
          { key: 'example_message', title: 'message' },
        ],
        rows: byCode,
        empty: 'No failed calls in this window.',
      },
      {
        caption: 'By caller',
        columns: [
          { key: 'caller', title: 'caller', kind: 'code' },
          { key: 'error_code', title: 'error code', kind: 'result' },
          { key: 'calls', title: 'calls', kind: 'number' },
          { key: 'apis', title: 'APIs' },
        ],
        rows: byCaller.slice(0, LIST_LIMIT),
        total: byCaller.length > LIST_LIMIT ? byCaller.length : undefined,
        empty: 'No failed calls in this window.',
      },
    ],
    queries: [
      { label: 'by error code', sql: sql.byCode },
      { label: 'by caller (the page shows the first rows)', sql: sql.byCaller },
      { label: 'per hour, with spikes', sql: sql.hourly },
    ],
  }
}
