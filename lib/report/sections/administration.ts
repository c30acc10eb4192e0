import { rankedBarsSpec } from '../chart-specs.js'
import { API_COLUMN, count, formatCount, type ReportSection, type SectionContext } from '../model.js'
import { administrationSql, LIST_LIMIT } from '../sql.js'

export async function administrationSection({ db, scope, chart }: SectionContext): Promise<ReportSection> {
  const sql = administrationSql(scope)
  const [totals] = await db.rows(sql.totals)
  const perApi = await db.rows(sql.perApi)
  const changes = await db.rows(sql.changes)
  const total = count(totals.changes)
  const withResources = scope.shape.eventColumns.has('referenced_resources')
  const labelled = perApi.map((r) => ({ ...r, label: `${r.event_name} ${r.meaning_zh ?? ''}`.trim() }))
  return {
    id: 'administration',
    title: 'Administration',
    titleZh: '管理操作',
    intro:
      'Changes to agents, roles and permissions, skill groups, phone numbers, instances and their configuration: the calls the API catalog marks sensitive in its administration and configuration categories.' +
      (withResources
        ? ''
        : ' This table has no referenced_resources column yet (written before it existed), so resources come from the request parameters only.'),
    figures: [
      { label: 'changes', value: formatCount(total), alert: total > 0 },
      { label: 'callers', value: formatCount(totals.callers) },
      { label: 'APIs', value: formatCount(totals.apis) },
      { label: 'failed', value: formatCount(totals.failed) },
    ],
    charts:
      total === 0
        ? []
        : [
            {
              title: 'Changes by API',
              svg: await chart(
                rankedBarsSpec(labelled, { label: 'label', value: 'calls', valueTitle: 'calls', colorField: 'category', colorTitle: 'category' }),
                'Changes by API',
              ),
            },
          ],
    tables: [
      {
        caption: 'Who changed what',
        columns: [
          API_COLUMN,
          { key: 'category', title: 'category' },
          { key: 'calls', title: 'calls', kind: 'number' },
          { key: 'failed', title: 'failed', kind: 'number' },
          { key: 'callers', title: 'callers', kind: 'code' },
        ],
        rows: perApi,
        empty: 'No administrative changes in this window.',
      },
      {
        caption: 'Changes, newest first',
        columns: [
          { key: 'local_time', title: `time (${scope.hours.timeZone})` },
          { key: 'caller', title: 'caller', kind: 'code' },
          API_COLUMN,
          { key: 'instance_id', title: 'instance', kind: 'code' },
          ...(withResources ? [{ key: 'referenced_resources', title: 'resources', kind: 'code' as const, wide: true }] : []),
          { key: 'parameters', title: 'parameters', kind: 'code', wide: true },
          { key: 'result', title: 'result', kind: 'result' },
        ],
        rows: changes,
        total: total > LIST_LIMIT ? total : undefined,
        empty: 'No administrative changes.',
      },
    ],
    queries: [
      { label: 'totals', sql: sql.totals },
      { label: 'per API', sql: sql.perApi },
      { label: 'changes', sql: sql.changes },
    ],
  }
}
