import type { Sql } from '../query/duckdb.js'
import { addDays } from '../util/days.js'
import { ALERT_COLUMNS, type AlertRow, alertRow } from './alert-row.js'
import { sightingKey } from './evaluate.js'
import type { Rule } from './rules.js'

/**
 * The table side of `ccc-trail alerts`: the rows of a window of days and what was seen before it,
 * read with DuckDB from the views ccc_events and ccc_api_catalog. Only the CLI loads this module
 * (the FC package carries no DuckDB).
 */
const CALLER = "coalesce(user_name, principal_id, access_key_id, '(unknown)')"

const sqlDay = (day: string) => `DATE '${day}'`

export async function windowRows(db: Sql, from: string, to: string): Promise<AlertRow[]> {
  const columns = ALERT_COLUMNS.filter((c) => c !== 'event_time').join(', ')
  const rows = await db.rows(
    `SELECT ${columns}, epoch_ms(event_time)::DOUBLE AS event_time_ms, dt::VARCHAR AS dt_text FROM ccc_events
     WHERE dt BETWEEN ${sqlDay(from)} AND ${sqlDay(to)} ORDER BY event_time, event_id`,
  )
  return rows.map((row) =>
    alertRow((column) => (column === 'event_time' ? row.event_time_ms : row[column]), String(row.dt_text), (row.event_name as string | null) ?? null),
  )
}

/** The longest look-back of the rules' `new` conditions (0 when none has one). */
export function lookBackDays(rules: readonly Rule[]): number {
  return Math.max(0, ...rules.map((r) => r.new?.days ?? 0))
}

/** When each caller and source address was last seen in the `days` days before `day` (exclusive). */
export async function sightingsBefore(db: Sql, day: string, days: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>()
  if (days === 0) return seen
  const window = `dt BETWEEN ${sqlDay(addDays(day, -days))} AND ${sqlDay(addDays(day, -1))}`
  const rows = await db.rows(
    `SELECT 'caller' AS kind, ${CALLER} AS value, epoch_ms(max(event_time)) AS last FROM ccc_events WHERE ${window} GROUP BY 2
     UNION ALL
     SELECT 'source_address', source_ip_address, epoch_ms(max(event_time)) FROM ccc_events WHERE ${window} AND source_ip_address IS NOT NULL GROUP BY 2`,
  )
  for (const row of rows) seen.set(sightingKey(row.kind as 'caller' | 'source_address', String(row.value)), Number(row.last))
  return seen
}

export async function newestDay(db: Sql): Promise<string | undefined> {
  const [row] = await db.rows('SELECT max(dt)::VARCHAR AS newest FROM ccc_events')
  return (row?.newest as string | null) ?? undefined
}
