import type { ReportWindow, WorkHours } from './window.js'

/** What the table at hand offers: older lakes lack the newer columns and catalog fields. */
export interface TableShape {
  eventColumns: ReadonlySet<string>
  catalog: 'none' | 'meanings' | 'categories'
}

export interface ReportScope {
  window: ReportWindow
  hours: WorkHours
  shape: TableShape
}

/** Sections pick their API names by catalog category; the names themselves come from ccc_api_catalog. */
export const CUSTOMER_DATA_CATEGORIES = ['customer_data', 'reporting'] as const
export const ADMINISTRATION_CATEGORIES = ['administration', 'configuration'] as const

/** Request parameters every CCC call carries; left out when a call's parameters are shown. */
const ENVELOPE_PARAMETERS = ['AcsHost', 'AcsProduct', 'HostId', 'InstanceId', 'RegionId', 'RequestId']

export const LIST_LIMIT = 25

const CALLER = "coalesce(e.user_name, e.principal_id, e.access_key_id, '(unknown)')"

function day(text: string): string {
  return `DATE '${text}'`
}

function apiCte(shape: TableShape): string {
  if (shape.catalog === 'none') {
    return 'api AS (SELECT NULL::VARCHAR AS event_name, NULL::VARCHAR AS meaning_en, NULL::VARCHAR AS meaning_zh, NULL::VARCHAR AS category, NULL::BOOLEAN AS sensitive WHERE false)'
  }
  const classes =
    shape.catalog === 'categories'
      ? 'arg_min(category, api_version) AS category, bool_or(sensitive) AS sensitive'
      : 'NULL::VARCHAR AS category, NULL::BOOLEAN AS sensitive'
  return `api AS (
  SELECT event_name, arg_min(meaning_en, api_version) AS meaning_en, arg_min(meaning_zh, api_version) AS meaning_zh, ${classes}
  FROM ccc_api_catalog GROUP BY event_name)`
}

function eventsCte(name: string, from: string, to: string, scope: ReportScope): string {
  return `${name} AS (
  SELECT e.*, ${CALLER} AS caller, timezone('${scope.hours.timeZone}', e.event_time) AS local_time,
         api.meaning_en, api.meaning_zh, api.category, coalesce(api.sensitive, false) AS sensitive
  FROM ccc_events e LEFT JOIN api USING (event_name)
  WHERE e.dt BETWEEN ${day(from)} AND ${day(to)})`
}

/** The common head of every report query: the catalog per name, and the window's events with caller and local time. */
function withWindow(scope: ReportScope, ...more: string[]): string {
  const { window } = scope
  return `WITH ${[apiCte(scope.shape), eventsCte('win', window.from, window.to, scope), ...more].join(',\n')}\n`
}

const inList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ')
const customerData = `sensitive AND category IN (${inList(CUSTOMER_DATA_CATEGORIES)})`
const administration = `sensitive AND category IN (${inList(ADMINISTRATION_CATEGORIES)})`
const failed = 'error_code IS NOT NULL'
const time = (column: string) => `strftime(${column}, '%Y-%m-%d %H:%M:%S')`

export function outsideHours(hours: WorkHours, hour = 'hour(local_time)'): string {
  return hours.start < hours.end ? `(${hour} < ${hours.start} OR ${hour} >= ${hours.end})` : `(${hour} < ${hours.start} AND ${hour} >= ${hours.end})`
}

/** The newest calls matching `where`: when, who, what, from where, and the result. */
function callListSql(scope: ReportScope, where: string): string {
  return (
    withWindow(scope) +
    `SELECT ${time('local_time')} AS local_time, caller, event_name, meaning_en, meaning_zh, source_ip_address,
  coalesce(error_code, 'OK') AS result
FROM win WHERE ${where} ORDER BY event_time DESC, event_id LIMIT ${LIST_LIMIT}`
  )
}

export const tableDaysSql = 'SELECT min(dt)::VARCHAR AS oldest, max(dt)::VARCHAR AS newest FROM ccc_events'

export function overviewSql(scope: ReportScope) {
  const { window } = scope
  return {
    totals:
      withWindow(scope) +
      `SELECT count(*) AS events, count(DISTINCT caller) AS callers, count(DISTINCT source_ip_address) AS addresses,
  count(DISTINCT access_key_id) AS access_keys, count(*) FILTER (WHERE ${failed}) AS failed,
  coalesce(round(100.0 * count(*) FILTER (WHERE ${failed}) / nullif(count(*), 0), 1), 0) AS failed_pct
FROM win`,
    perDay:
      withWindow(scope, `days AS (SELECT range::DATE AS dt FROM range(${day(window.from)}, ${day(window.to)} + 1, INTERVAL 1 DAY))`) +
      `SELECT d.dt, count(w.event_time) AS events, count(w.error_code) AS failed,
  count(DISTINCT w.caller) AS callers, count(DISTINCT w.source_ip_address) AS addresses
FROM days d LEFT JOIN win w USING (dt)
GROUP BY d.dt ORDER BY d.dt`,
    perApi:
      withWindow(scope) +
      `SELECT event_name, meaning_en, meaning_zh, coalesce(category, 'uncatalogued') AS category, sensitive,
  count(*) AS events, count(*) FILTER (WHERE ${failed}) AS failed, count(DISTINCT caller) AS callers
FROM win GROUP BY ALL ORDER BY events DESC, event_name`,
  }
}

export function customerDataSql(scope: ReportScope) {
  return {
    totals:
      withWindow(scope) +
      `SELECT count(*) AS calls, count(DISTINCT caller) AS callers, count(DISTINCT source_ip_address) AS addresses,
  count(*) FILTER (WHERE ${failed}) AS failed
FROM win WHERE ${customerData}`,
    perDay:
      withWindow(scope) +
      `SELECT dt, event_name, count(*) AS calls
FROM win WHERE ${customerData} GROUP BY ALL ORDER BY dt, event_name`,
    who:
      withWindow(scope, `per_api AS (SELECT caller, event_name, count(*) AS n FROM win WHERE ${customerData} GROUP BY ALL)`) +
      `SELECT caller, count(*) AS calls, count(*) FILTER (WHERE ${failed}) AS failed,
  ${time('min(local_time)')} AS first_call, ${time('max(local_time)')} AS last_call,
  (SELECT string_agg(event_name || ' ×' || n, ', ' ORDER BY n DESC, event_name) FROM per_api p WHERE p.caller = w.caller) AS apis,
  string_agg(DISTINCT source_ip_address, ', ' ORDER BY source_ip_address) AS addresses
FROM win w WHERE ${customerData} GROUP BY caller ORDER BY calls DESC, caller`,
    calls: callListSql(scope, customerData),
  }
}

export function administrationSql(scope: ReportScope) {
  const resources = scope.shape.eventColumns.has('referenced_resources') ? 'referenced_resources' : 'NULL::VARCHAR'
  const parameters = `array_to_string(list_transform(list_filter(json_keys(request_parameters), k -> k NOT IN (${inList(ENVELOPE_PARAMETERS)})),
    k -> k || '=' || json_extract_string(request_parameters, '$."' || k || '"')), ', ')`
  return {
    totals:
      withWindow(scope) +
      `SELECT count(*) AS changes, count(DISTINCT caller) AS callers, count(DISTINCT event_name) AS apis,
  count(*) FILTER (WHERE ${failed}) AS failed
FROM win WHERE ${administration}`,
    perApi:
      withWindow(scope) +
      `SELECT event_name, meaning_en, meaning_zh, category, count(*) AS calls, count(*) FILTER (WHERE ${failed}) AS failed,
  string_agg(DISTINCT caller, ', ' ORDER BY caller) AS callers
FROM win WHERE ${administration} GROUP BY ALL ORDER BY calls DESC, event_name`,
    changes:
      withWindow(scope) +
      `SELECT ${time('local_time')} AS local_time, caller, event_name, meaning_en, meaning_zh, instance_id,
  ${resources} AS referenced_resources, ${parameters} AS parameters, coalesce(error_code, 'OK') AS result
FROM win WHERE ${administration} ORDER BY event_time DESC, event_id LIMIT ${LIST_LIMIT}`,
  }
}

/**
 * A spike: an hour whose failures of one error code are at least 5 and more than the mean plus
 * three standard deviations of that code's hourly failures over the window (quiet hours count as 0).
 */
export function failuresSql(scope: ReportScope) {
  return {
    byCode:
      withWindow(scope) +
      `SELECT error_code, count(*) AS calls, count(DISTINCT caller) AS callers, count(DISTINCT event_name) AS apis,
  ${time('min(local_time)')} AS first_seen, ${time('max(local_time)')} AS last_seen, any_value(error_message) AS example_message
FROM win WHERE ${failed} GROUP BY ALL ORDER BY calls DESC, error_code`,
    byCaller:
      withWindow(scope) +
      `SELECT caller, error_code, count(*) AS calls,
  string_agg(DISTINCT event_name, ', ' ORDER BY event_name) AS apis
FROM win WHERE ${failed} GROUP BY ALL ORDER BY calls DESC, caller, error_code`,
    hourly:
      withWindow(
        scope,
        `hours AS (SELECT range AS hour FROM range((SELECT date_trunc('hour', min(local_time)) FROM win), (SELECT max(local_time) FROM win), INTERVAL 1 HOUR))`,
        `codes AS (SELECT DISTINCT error_code FROM win WHERE ${failed})`,
        `counted AS (SELECT h.hour, c.error_code, count(w.event_time) AS failed
  FROM hours h CROSS JOIN codes c LEFT JOIN win w ON date_trunc('hour', w.local_time) = h.hour AND w.error_code = c.error_code
  GROUP BY ALL)`,
        `scored AS (SELECT *, avg(failed) OVER (PARTITION BY error_code) AS mean, stddev_pop(failed) OVER (PARTITION BY error_code) AS sd FROM counted)`,
      ) +
      `SELECT ${time('hour')} AS hour, error_code, failed, failed >= 5 AND failed > mean + 3 * sd AS spike
FROM scored ORDER BY hour, error_code`,
  }
}

/**
 * Values seen in the window and never in the same number of days before it. Temporary STS keys
 * (`STS.…`) are left out: every role session gets a new one.
 */
export function newcomersSql(scope: ReportScope) {
  const { window } = scope
  const kinds = `kinds AS (
  SELECT 'caller' AS kind, caller AS value, local_time, caller, event_name FROM win
  UNION ALL SELECT 'access key', access_key_id, local_time, caller, event_name FROM win WHERE access_key_id IS NOT NULL AND access_key_id NOT LIKE 'STS.%'
  UNION ALL SELECT 'source address', source_ip_address, local_time, caller, event_name FROM win WHERE source_ip_address IS NOT NULL)`
  const known = `known AS (
  SELECT 'caller' AS kind, caller AS value FROM before
  UNION SELECT 'access key', access_key_id FROM before WHERE access_key_id IS NOT NULL AND access_key_id NOT LIKE 'STS.%'
  UNION SELECT 'source address', source_ip_address FROM before WHERE source_ip_address IS NOT NULL)`
  const head = withWindow(scope, eventsCte('before', window.previousFrom, window.previousTo, scope), kinds, known)
  return {
    summary:
      head +
      `SELECT k.kind, count(DISTINCT k.value) AS seen, count(DISTINCT k.value) FILTER (WHERE n.value IS NULL) AS new,
  (SELECT count(*) FROM before) AS events_before
FROM kinds k LEFT JOIN known n ON n.kind = k.kind AND n.value = k.value
GROUP BY k.kind ORDER BY list_position(['caller', 'access key', 'source address'], k.kind)`,
    list:
      head +
      `SELECT kind, value, ${time('min(local_time)')} AS first_seen, count(*) AS calls, count(DISTINCT event_name) AS apis,
  count(DISTINCT caller) AS callers, array_to_string(list_slice(list_sort(list_distinct(list(caller))), 1, 3), ', ') AS first_callers
FROM kinds k WHERE NOT EXISTS (SELECT 1 FROM known n WHERE n.kind = k.kind AND n.value = k.value)
GROUP BY kind, value ORDER BY list_position(['caller', 'access key', 'source address'], kind), first_seen, value LIMIT ${LIST_LIMIT}`,
  }
}

export function afterHoursSql(scope: ReportScope) {
  const outside = outsideHours(scope.hours)
  return {
    totals:
      withWindow(scope) +
      `SELECT count(*) AS events, count(DISTINCT caller) AS callers, count(*) FILTER (WHERE sensitive) AS sensitive_calls,
  count(*) FILTER (WHERE ${failed}) AS failed
FROM win WHERE ${outside}`,
    byHour:
      withWindow(scope) +
      `SELECT h.range AS hour, count(w.event_time) AS events, count(w.event_time) FILTER (WHERE w.sensitive) AS sensitive_calls, ${outsideHours(scope.hours, 'h.range')} AS outside
FROM range(24) h LEFT JOIN win w ON hour(w.local_time) = h.range
GROUP BY ALL ORDER BY hour`,
    byCaller:
      withWindow(scope) +
      `SELECT caller, count(*) AS events, count(*) FILTER (WHERE sensitive) AS sensitive_calls,
  ${time('min(local_time)')} AS first_call, ${time('max(local_time)')} AS last_call,
  string_agg(DISTINCT event_name, ', ' ORDER BY event_name) AS apis
FROM win WHERE ${outside} GROUP BY caller ORDER BY events DESC, caller`,
    sensitiveCalls: callListSql(scope, `${outside} AND sensitive`),
  }
}
