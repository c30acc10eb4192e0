import type { Sql } from '../query/duckdb.js'
import { renderPage } from './html.js'
import type { ReportSection, SectionContext } from './model.js'
import { renderChart } from './render-chart.js'
import { administrationSection } from './sections/administration.js'
import { afterHoursSection } from './sections/after-hours.js'
import { customerDataSection } from './sections/customer-data.js'
import { failuresSection } from './sections/failures.js'
import { newcomersSection } from './sections/newcomers.js'
import { overviewSection } from './sections/overview.js'
import { type ReportScope, type TableShape, tableDaysSql } from './sql.js'
import { describeWorkHours, parseWorkHours, resolveWindow, type TableDays } from './window.js'

export interface ReportOptions {
  /** Where the table is, as shown on the page. */
  location: string
  from?: string
  to?: string
  workHours?: string
  timeZone?: string
  now?: Date
  /** The table's first and last day, when the caller knows them (the views may hold only the window's days). */
  tableDays?: TableDays
}

export interface BuiltReport {
  html: string
  scope: ReportScope
  sections: ReportSection[]
}

const SECTIONS = [overviewSection, customerDataSection, administrationSection, failuresSection, newcomersSection, afterHoursSection]

/** The audit report over the views `ccc_events` and `ccc_api_catalog` (lib/query/views.ts) that `db` already has. */
export async function buildReport(db: Sql, options: ReportOptions): Promise<BuiltReport> {
  const hours = parseWorkHours(options.workHours, options.timeZone)
  const shape = await tableShape(db)
  const { oldest, newest } = options.tableDays ?? (await tableDaysOf(db))
  const window = resolveWindow(options.from, options.to, { oldest, newest }, options.now)
  const scope: ReportScope = { window, hours, shape }
  await snapshotDays(db, scope)
  const context: SectionContext = { db, scope, chart: renderChart }
  const sections: ReportSection[] = []
  for (const section of SECTIONS) sections.push(await section(context))
  const html = renderPage(
    {
      location: options.location,
      from: window.from,
      to: window.to,
      generatedAt: (options.now ?? new Date()).toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
      workHours: describeWorkHours(hours),
      notes: notes(shape, newest ?? null),
    },
    sections,
  )
  return { html, scope, sections }
}

/** The columns the report's queries read. */
const REPORT_COLUMNS = [
  'event_id',
  'event_time',
  'dt',
  'event_name',
  'instance_id',
  'source_ip_address',
  'user_name',
  'principal_id',
  'access_key_id',
  'error_code',
  'error_message',
  'request_parameters',
  'referenced_resources',
]

/**
 * Every section reads the same few days, so they are read from the files once, only the columns
 * the report uses: temporary tables named like the views shadow them for this session, and the
 * queries shown on the page stay runnable as they are against the full views.
 */
async function snapshotDays(db: Sql, { window, shape }: ReportScope): Promise<void> {
  const columns = REPORT_COLUMNS.filter((c) => shape.eventColumns.has(c)).join(', ')
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ccc_events AS SELECT ${columns} FROM main.ccc_events WHERE dt BETWEEN DATE '${window.previousFrom}' AND DATE '${window.to}'`,
  )
  if (shape.catalog !== 'none') await db.run('CREATE OR REPLACE TEMP TABLE ccc_api_catalog AS SELECT * FROM main.ccc_api_catalog')
}

async function tableDaysOf(db: Sql): Promise<TableDays> {
  const [{ oldest, newest }] = await db.rows(tableDaysSql)
  return { oldest: (oldest as string | null) ?? undefined, newest: (newest as string | null) ?? undefined }
}

async function tableShape(db: Sql): Promise<TableShape> {
  const columns = await db.rows("SELECT DISTINCT table_name, column_name FROM information_schema.columns WHERE table_name IN ('ccc_events', 'ccc_api_catalog')")
  const of = (table: string) => new Set(columns.filter((c) => c.table_name === table).map((c) => String(c.column_name)))
  const catalog = of('ccc_api_catalog')
  return {
    eventColumns: of('ccc_events'),
    catalog: catalog.size === 0 ? 'none' : catalog.has('category') && catalog.has('sensitive') ? 'categories' : 'meanings',
  }
}

function notes(shape: TableShape, newest: unknown): string[] {
  const notes: string[] = []
  if (newest === null) notes.push('The table has no events yet.')
  if (shape.catalog === 'none')
    notes.push(
      'The table has no API catalog (_catalog/ccc_api_catalog.parquet): API meanings are missing and no call can be recognised as customer-data access or administration. Run process, compact or demo to write it.',
    )
  if (shape.catalog === 'meanings')
    notes.push(
      'The API catalog predates categories: customer-data access and administration cannot be recognised. Run process or compact to rewrite _catalog/ccc_api_catalog.parquet.',
    )
  return notes
}
