import { dailyStackSpec } from '../chart-specs.js'
import { callListTable, count, formatCount, type ReportSection, type SectionContext } from '../model.js'
import { customerDataSql } from '../sql.js'
import { windowDays } from '../window.js'

export async function customerDataSection({ db, scope, chart }: SectionContext): Promise<ReportSection> {
  const sql = customerDataSql(scope)
  const [totals] = await db.rows(sql.totals)
  const perDay = await db.rows(sql.perDay)
  const who = await db.rows(sql.who)
  const calls = await db.rows(sql.calls)
  const total = count(totals.calls)
  const days = windowDays(scope.window)
  return {
    id: 'customer-data',
    title: 'Access to customer data',
    titleZh: '客户数据访问',
    intro:
      'Recordings, call detail records, conversations, contact lists and historical reports: the calls the API catalog marks sensitive in its customer_data and reporting categories.',
    figures: [
      { label: 'calls', value: formatCount(total), alert: total > 0 },
      { label: 'callers', value: formatCount(totals.callers) },
      { label: 'source addresses', value: formatCount(totals.addresses) },
      { label: 'failed', value: formatCount(totals.failed) },
    ],
    charts:
      total === 0
        ? []
        : [
            {
              title: 'Customer-data calls per day, by API',
              svg: await chart(dailyStackSpec(perDay, 'event_name', 'calls', days), 'Customer-data calls per day, by API'),
            },
          ],
    tables: [
      {
        caption: 'Who accessed what',
        columns: [
          { key: 'caller', title: 'caller', kind: 'code' },
          { key: 'calls', title: 'calls', kind: 'number' },
          { key: 'failed', title: 'failed', kind: 'number' },
          { key: 'apis', title: 'APIs (calls)' },
          { key: 'first_call', title: 'first' },
          { key: 'last_call', title: 'last' },
          { key: 'addresses', title: 'from', kind: 'code' },
        ],
        rows: who,
        empty: 'No one accessed customer data in this window.',
      },
      callListTable('Calls, newest first', calls, total, scope, 'No customer-data calls.'),
    ],
    queries: [
      { label: 'totals', sql: sql.totals },
      { label: 'per day', sql: sql.perDay },
      { label: 'who', sql: sql.who },
      { label: 'calls', sql: sql.calls },
    ],
  }
}
