import type { Sql } from '../query/duckdb.js'
import type { Row } from './chart-specs.js'
import { LIST_LIMIT, type ReportScope } from './sql.js'

/** What the page shows, independent of HTML: the sections' numbers, charts and the SQL behind them. */
export interface Figure {
  label: string
  value: string
  /** Draws the eye: a number an auditor should look at. */
  alert?: boolean
}

export type ColumnKind = 'text' | 'number' | 'api' | 'result' | 'code' | 'flag'

export interface TableColumn {
  key: string
  title: string
  kind?: ColumnKind
  /** Long values (parameters, resources): the column gets room instead of wrapping every word. */
  wide?: boolean
}

export interface ReportTable {
  caption: string
  columns: TableColumn[]
  rows: Row[]
  /** Rows the query matched, when the table shows only the first LIST_LIMIT. */
  total?: number
  empty: string
}

export interface ReportChart {
  title: string
  svg: string
}

export interface ReportSection {
  id: string
  title: string
  titleZh: string
  intro: string
  figures: Figure[]
  charts: ReportChart[]
  tables: ReportTable[]
  queries: { label: string; sql: string }[]
}

export interface SectionContext {
  db: Sql
  scope: ReportScope
  chart: (spec: import('vega-lite').TopLevelSpec, title: string) => Promise<string>
}

export const count = (value: unknown): number => Number(value ?? 0)
export const formatCount = (value: unknown): string => count(value).toLocaleString('en-US')

/** The API column: the name with its English and Chinese meanings from the catalog. */
export const API_COLUMN: TableColumn = { key: 'event_name', title: 'API · 接口', kind: 'api' }

/** The table of single calls, newest first, that several sections end with. */
export function callListTable(caption: string, rows: Row[], matched: number, scope: ReportScope, empty: string): ReportTable {
  return {
    caption,
    columns: [
      { key: 'local_time', title: `time (${scope.hours.timeZone})` },
      { key: 'caller', title: 'caller', kind: 'code' },
      API_COLUMN,
      { key: 'source_ip_address', title: 'from', kind: 'code' },
      { key: 'result', title: 'result', kind: 'result' },
    ],
    rows,
    total: matched > LIST_LIMIT ? matched : undefined,
    empty,
  }
}
