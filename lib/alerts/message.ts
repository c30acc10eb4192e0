import { CCC_API_CATALOG } from '../catalog/ccc-api.js'
import { outsideHours } from '../report/sql.js'
import type { WorkHours } from '../report/window.js'
import type { AlertRow } from './alert-row.js'
import type { Alert } from './evaluate.js'
import { type RuleFilter, SEVERITIES } from './rules.js'

/** One message per invocation: every alert of it, grouped, in markdown (DingTalk) and plain text (Lark, generic). */
export interface AlertMessage {
  title: string
  markdown: string
  text: string
  alerts: Alert[]
}

/** Alerts shown in full in one message, within MAX_MESSAGE_BYTES; the rest are counted. */
export const MAX_ALERTS_SHOWN = 20
/** DingTalk takes at most 20,000 bytes of message content; room is left for the title and the tail. */
export const MAX_MESSAGE_BYTES = 16_000
const ROWS_SHOWN = 3

export interface MessageOptions {
  /** The table, as `ccc-trail query --dest` takes it. */
  dest: string
  workHours: WorkHours
}

const MEANING = new Map(CCC_API_CATALOG.map((e) => [e.eventName, { zh: e.meaningZh, en: e.meaningEn }]))

export function alertMessage(alerts: readonly Alert[], options: MessageOptions): AlertMessage {
  const time = localTime(options.workHours.timeZone)
  const title = `ccc-trail: ${alerts.length} alert${alerts.length === 1 ? '' : 's'} · ${alerts.length} 条告警`
  // Most severe first; the rules' own order within a severity.
  const ordered = [...alerts].sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity))
  const markdownBlocks: string[] = []
  const textBlocks: string[] = []
  let bytes = 0
  for (const alert of ordered.slice(0, MAX_ALERTS_SHOWN)) {
    const head = `[${alert.severity}] ${alert.rule}: ${alert.description}`
    const about = `${alert.subject} · ${alert.count} call${alert.count === 1 ? '' : 's'}`
    const rows = alert.rows.slice(0, ROWS_SHOWN).map((row) => rowLine(row, time))
    const lines = [...rows, ...(alert.count > rows.length ? [`… ${alert.count - rows.length} more`] : [])]
    const query = queryLine(alert, options)
    const block = [`**${head}**`, '', about, '', ...lines.map((l) => `- ${l}`), '', `> ${query}`].join('\n')
    bytes += Buffer.byteLength(block)
    // Always the first alert; then as many as the receiver's size limit leaves room for.
    if (markdownBlocks.length > 0 && bytes > MAX_MESSAGE_BYTES) break
    markdownBlocks.push(block)
    textBlocks.push([head, about, ...lines.map((l) => `  ${l}`), `  ${query}`].join('\n'))
  }
  const rest = alerts.length - markdownBlocks.length
  const tail = rest > 0 ? [`… and ${rest} more alert(s): run ccc-trail alerts --dest ${shellWord(options.dest)} --dry-run over the day to list them`] : []
  const markdown = [`### ${title}`, ...markdownBlocks, ...tail].join('\n\n')
  const text = [title, ...textBlocks, ...tail].join('\n\n')
  return { title, markdown, text, alerts: [...alerts] }
}

function rowLine(row: AlertRow, time: (ms: number) => string): string {
  const meaning = row.eventName ? MEANING.get(row.eventName) : undefined
  const api = `${row.eventName ?? '(no name)'}${meaning ? ` ${meaning.zh} / ${meaning.en}` : ''}`
  const result = row.errorCode ? ` · ${row.errorCode}` : ''
  return `${time(row.time)} · ${row.caller} · ${api} · from ${row.sourceAddress ?? '(unknown)'}${result}`
}

/** A time in `timeZone` with its zone, e.g. `2021-02-03 12:10:08 Asia/Shanghai`. */
export function localTime(timeZone: string): (ms: number) => string {
  const format = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
  return (ms) => `${format.format(ms)} ${timeZone}`
}

/** `ccc-trail query ...` that shows the alert's rows. */
export function queryLine(alert: Alert, options: MessageOptions): string {
  const days = alert.rows.map((r) => r.dt).sort()
  const dt = `dt BETWEEN DATE '${days[0]}' AND DATE '${days[days.length - 1]}'`
  const { match } = alert
  const from = new Date(match.from).toISOString()
  const to = new Date(match.to).toISOString()
  const where = [dt, `event_time >= ${sqlText(from)}::TIMESTAMPTZ AND event_time < ${sqlText(to)}::TIMESTAMPTZ`]
  if (match.sourceObject !== undefined) where.push(`source_object = ${sqlText(match.sourceObject)}`)
  if (match.by === 'caller') where.push(`coalesce(user_name, principal_id, access_key_id, '(unknown)') = ${sqlText(match.key)}`)
  if (match.by === 'source_address') where.push(`source_ip_address = ${sqlText(match.key)}`)
  if (match.by === 'error_code') where.push(`error_code = ${sqlText(match.key)}`)
  where.push(...filterSql(match.filter, options.workHours))
  const sql = `SELECT event_time, event_name, user_name, source_ip_address, error_code, source_object FROM ccc_events WHERE ${where.join(' AND ')} ORDER BY event_time`
  return `ccc-trail query --dest ${shellWord(options.dest)} ${shellWord(sql)}`
}

function filterSql(filter: RuleFilter, hours: WorkHours): string[] {
  const out: string[] = []
  const inList = (values: readonly string[]) => values.map(sqlText).join(', ')
  if (filter.category || filter.sensitive !== undefined) {
    const catalog = [
      ...(filter.category ? [`category IN (${inList(filter.category)})`] : []),
      ...(filter.sensitive !== undefined ? [`${filter.sensitive ? '' : 'NOT '}sensitive`] : []),
    ]
    out.push(`event_name IN (SELECT event_name FROM ccc_api_catalog WHERE ${catalog.join(' AND ')})`)
  }
  if (filter.user_type) out.push(`user_type IN (${inList(filter.user_type)})`)
  if (filter.failed !== undefined) out.push(`error_code IS ${filter.failed ? 'NOT ' : ''}NULL`)
  if (filter.error_code)
    out.push(
      `(${filter.error_code.map((c) => (c.endsWith('*') ? `starts_with(error_code, ${sqlText(c.slice(0, -1))})` : `error_code = ${sqlText(c)}`)).join(' OR ')})`,
    )
  if (filter.outside_work_hours !== undefined) {
    const outside = outsideHours(hours, `hour(timezone(${sqlText(hours.timeZone)}, event_time))`)
    out.push(filter.outside_work_hours ? outside : `NOT ${outside}`)
  }
  return out
}

function sqlText(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

/** One shell word: as is when plain, else double-quoted (SQL literals keep their single quotes readable). */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`
}
