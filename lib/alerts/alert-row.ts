/** The columns of a table row that alert rules and messages use, whichever reader produced the row. */
export interface AlertRow {
  /** event_id; a row without one gets its request id or a stand-in built from its place. */
  eventId: string
  /** event_time, epoch millis (UTC). */
  time: number
  /** The dt partition the row lives in. */
  dt: string
  eventName: string | null
  /** user_name, else principal_id, else access_key_id — as the report counts callers. */
  caller: string
  userType: string | null
  sourceAddress: string | null
  errorCode: string | null
  sourceObject: string
  instanceId: string | null
}

/** Table columns an alert reader must fetch. */
export const ALERT_COLUMNS = [
  'event_id',
  'event_time',
  'event_name',
  'user_name',
  'principal_id',
  'access_key_id',
  'user_type',
  'source_ip_address',
  'error_code',
  'source_object',
  'instance_id',
  'request_id',
] as const

export const UNKNOWN_CALLER = '(unknown)'

/** Builds an AlertRow from column values by name (`event_name` and `dt` are partition values). */
export function alertRow(get: (column: string) => unknown, dt: string, eventName: string | null): AlertRow {
  const text = (column: string): string | null => {
    const value = get(column)
    return value === null || value === undefined || value === '' ? null : String(value)
  }
  const time = toMillis(get('event_time'))
  const sourceObject = text('source_object') ?? ''
  return {
    eventId: text('event_id') ?? text('request_id') ?? `${sourceObject}@${time}`,
    time,
    dt,
    eventName,
    caller: text('user_name') ?? text('principal_id') ?? text('access_key_id') ?? UNKNOWN_CALLER,
    userType: text('user_type'),
    sourceAddress: text('source_ip_address'),
    errorCode: text('error_code'),
    sourceObject,
    instanceId: text('instance_id'),
  }
}

function toMillis(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (value instanceof Date) return value.getTime()
  return Date.parse(String(value))
}
