import { rankedBarsSpec } from '../chart-specs.js'
import { count, formatCount, type ReportSection, type SectionContext } from '../model.js'
import { LIST_LIMIT, newcomersSql } from '../sql.js'

const KINDS = ['caller', 'access key', 'source address'] as const
const PLURAL: Record<(typeof KINDS)[number], string> = { caller: 'callers', 'access key': 'access keys', 'source address': 'source addresses' }

export async function newcomersSection({ db, scope, chart }: SectionContext): Promise<ReportSection> {
  const sql = newcomersSql(scope)
  const summary = await db.rows(sql.summary)
  const list = await db.rows(sql.list)
  const { window } = scope
  const of = (kind: string) => summary.find((r) => r.kind === kind)
  const eventsBefore = count(summary[0]?.events_before)
  const totalNew = KINDS.reduce((sum, kind) => sum + count(of(kind)?.new), 0)
  const bars = KINDS.flatMap((kind) => [
    { kind, status: 'new', values: count(of(kind)?.new) },
    { kind, status: 'seen before', values: count(of(kind)?.seen) - count(of(kind)?.new) },
  ])
  return {
    id: 'newcomers',
    title: 'New callers, access keys and addresses',
    titleZh: '新出现的调用者、访问密钥和来源地址',
    intro:
      `Values seen from ${window.from} to ${window.to} and never in the ${window.days} days before (${window.previousFrom} to ${window.previousTo}). Temporary STS access keys are left out: every role session gets a new one.` +
      (eventsBefore === 0 ? ' The table has no events in that earlier period, so every value counts as new.' : ''),
    figures: [
      ...KINDS.map((kind) => ({
        label: `new ${PLURAL[kind]}`,
        value: `${formatCount(of(kind)?.new)} of ${formatCount(of(kind)?.seen)}`,
        alert: count(of(kind)?.new) > 0,
      })),
      { label: 'events in the period before', value: formatCount(eventsBefore) },
    ],
    charts:
      summary.length === 0
        ? []
        : [
            {
              title: 'New and returning values',
              svg: await chart(
                rankedBarsSpec(bars, { label: 'kind', value: 'values', valueTitle: 'distinct values', colorField: 'status' }),
                'New and returning values',
              ),
            },
          ],
    tables: [
      {
        caption: 'New values, first seen first',
        columns: [
          { key: 'kind', title: 'kind' },
          { key: 'value', title: 'value', kind: 'code' },
          { key: 'first_seen', title: `first seen (${scope.hours.timeZone})` },
          { key: 'calls', title: 'calls', kind: 'number' },
          { key: 'apis', title: 'APIs', kind: 'number' },
          { key: 'callers', title: 'callers', kind: 'number' },
          { key: 'first_callers', title: 'used by (first 3)', kind: 'code' },
        ],
        rows: list,
        total: totalNew > LIST_LIMIT ? totalNew : undefined,
        empty: 'Nothing new: every caller, key and address was seen before.',
      },
    ],
    queries: [
      { label: 'summary', sql: sql.summary },
      { label: 'new values', sql: sql.list },
    ],
  }
}
