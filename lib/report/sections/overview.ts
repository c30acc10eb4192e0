import { dailyEventsSpec, rankedBarsSpec } from '../chart-specs.js'
import { API_COLUMN, count, formatCount, type ReportSection, type SectionContext } from '../model.js'
import { overviewSql } from '../sql.js'

export async function overviewSection({ db, scope, chart }: SectionContext): Promise<ReportSection> {
  const sql = overviewSql(scope)
  const [totals] = await db.rows(sql.totals)
  const days = await db.rows(sql.perDay)
  const apis = await db.rows(sql.perApi)
  const events = count(totals.events)
  const labelled = apis.map((r) => ({ ...r, label: `${r.event_name} ${r.meaning_zh ?? ''}`.trim() }))
  return {
    id: 'overview',
    title: 'Overview',
    titleZh: '概览',
    intro: `Every CCC API call in the window: who called, from where, and how many calls failed.`,
    figures: [
      { label: 'events', value: formatCount(events) },
      { label: 'callers', value: formatCount(totals.callers) },
      { label: 'source addresses', value: formatCount(totals.addresses) },
      { label: 'access keys', value: formatCount(totals.access_keys) },
      { label: 'failed calls', value: `${formatCount(totals.failed)} (${Number(totals.failed_pct).toFixed(1)}%)`, alert: count(totals.failed) > 0 },
    ],
    charts:
      events === 0
        ? []
        : [
            { title: 'Events per day', svg: await chart(dailyEventsSpec(days), 'Events per day') },
            {
              title: 'Most called APIs',
              svg: await chart(
                rankedBarsSpec(labelled, { label: 'label', value: 'events', valueTitle: 'events', colorField: 'category', colorTitle: 'category' }),
                'Most called APIs',
              ),
            },
          ],
    tables: [
      {
        caption: 'Per day',
        columns: [
          { key: 'dt', title: 'day' },
          { key: 'events', title: 'events', kind: 'number' },
          { key: 'failed', title: 'failed', kind: 'number' },
          { key: 'callers', title: 'callers', kind: 'number' },
          { key: 'addresses', title: 'addresses', kind: 'number' },
        ],
        rows: days,
        empty: 'No days.',
      },
      {
        caption: 'Per API',
        columns: [
          API_COLUMN,
          { key: 'category', title: 'category' },
          { key: 'sensitive', title: 'sensitive', kind: 'flag' },
          { key: 'events', title: 'events', kind: 'number' },
          { key: 'failed', title: 'failed', kind: 'number' },
          { key: 'callers', title: 'callers', kind: 'number' },
        ],
        rows: apis,
        empty: 'No CCC calls in this window.',
      },
    ],
    queries: [
      { label: 'totals', sql: sql.totals },
      { label: 'per day', sql: sql.perDay },
      { label: 'per API', sql: sql.perApi },
    ],
  }
}
