import { asBoolean, asInt32, asNonEmptyString, asString, canonicalJson, field } from './coerce.js'
import { HOLDS_BY_KIND, type Holds, holdsErrorCode, holdsIdentifier } from './exact.js'

/** Logical column kinds; the Parquet writer and every DDL generator map these to their own types. */
export type ColumnKind = 'string' | 'json' | 'timestamp' | 'int32' | 'boolean'

export type Event = Record<string, unknown>
export type Value = string | number | boolean | null

export interface Column {
  name: string
  kind: ColumnKind
  required: boolean
  /** Where the value comes from: the dotted path of the event field the column holds, or `(...)` for none. */
  from: string
  description: string
  /** Value of this column for an event; `null` when absent. Not used for event_time/source_object/unmapped. */
  extract: (event: Event) => Value
  /** A copy of a field another column holds (instance_id): it neither holds its field nor is rebuilt from. */
  derived?: true
  /** Whether the column holds its field exactly; when not, the field stays in `unmapped`. Default: by kind. */
  holds?: Holds
  /**
   * An older path of the same field, read when `from` is absent. A value taken from it exactly leaves
   * `unmapped` like one at `from`, and is rebuilt at `from` (a documented coercion).
   */
  fallback?: string
}

const identity = (event: Event) => field(event, 'userIdentity')
const text = (name: string) => (event: Event) => asString(event[name])

/** The table ccc_events: one row per CCC event. Order here is column order in every file. */
export const COLUMNS: readonly Column[] = [
  { name: 'event_id', kind: 'string', required: false, from: 'eventId', description: 'ActionTrail event id', extract: text('eventId') },
  {
    name: 'event_time',
    kind: 'timestamp',
    required: true,
    from: 'eventTime',
    description: 'when the call happened (UTC, millisecond precision)',
    extract: () => null,
  },
  {
    name: 'event_type',
    kind: 'string',
    required: false,
    from: 'eventType',
    description: 'ApiCall, ConsoleOperation, ConsoleSignin, ...',
    extract: text('eventType'),
  },
  {
    name: 'event_source',
    kind: 'string',
    required: false,
    from: 'eventSource',
    description: 'service endpoint, e.g. ccc.cn-shanghai.aliyuncs.com',
    extract: text('eventSource'),
  },
  {
    name: 'event_version',
    kind: 'int32',
    required: false,
    from: 'eventVersion',
    description: 'ActionTrail event format version',
    extract: (e) => asInt32(e.eventVersion),
  },
  { name: 'service_name', kind: 'string', required: false, from: 'serviceName', description: 'CloudCallCenter', extract: text('serviceName') },
  {
    name: 'api_version',
    kind: 'string',
    required: false,
    from: 'apiVersion',
    description: 'CCC API version, 2017-07-05 or 2020-07-01',
    extract: text('apiVersion'),
  },
  { name: 'acs_region', kind: 'string', required: false, from: 'acsRegion', description: 'Alibaba Cloud region', extract: text('acsRegion') },
  {
    name: 'is_global',
    kind: 'boolean',
    required: false,
    from: 'isGlobal',
    description: 'whether the call is a global one',
    extract: (e) => asBoolean(e.isGlobal),
  },
  { name: 'request_id', kind: 'string', required: false, from: 'requestId', description: 'API request id', extract: text('requestId') },
  {
    name: 'instance_id',
    kind: 'string',
    required: false,
    from: 'requestParameters.InstanceId',
    derived: true,
    description: 'the CCC instance called',
    extract: (e) => asString(field(e.requestParameters, 'InstanceId')),
  },
  {
    name: 'source_ip_address',
    kind: 'string',
    required: false,
    from: 'sourceIpAddress',
    description: 'caller IP, "Internal", or a service host',
    extract: text('sourceIpAddress'),
  },
  { name: 'user_agent', kind: 'string', required: false, from: 'userAgent', description: 'client user agent', extract: text('userAgent') },
  {
    name: 'user_type',
    kind: 'string',
    required: false,
    from: 'userIdentity.type',
    description: 'root-account, ram-user, assumed-role, system',
    extract: (e) => asString(field(identity(e), 'type')),
  },
  {
    name: 'account_id',
    kind: 'string',
    required: false,
    from: 'userIdentity.accountId',
    holds: holdsIdentifier,
    description: 'Alibaba Cloud account id (text, exact)',
    extract: (e) => asString(field(identity(e), 'accountId')),
  },
  {
    name: 'principal_id',
    kind: 'string',
    required: false,
    from: 'userIdentity.principalId',
    holds: holdsIdentifier,
    description: 'id of the caller',
    extract: (e) => asString(field(identity(e), 'principalId')),
  },
  {
    name: 'user_name',
    kind: 'string',
    required: false,
    from: 'userIdentity.userName',
    description: 'RAM user or role session name',
    extract: (e) => asString(field(identity(e), 'userName')),
  },
  {
    name: 'access_key_id',
    kind: 'string',
    required: false,
    from: 'userIdentity.accessKeyId',
    description: 'AccessKey id used for the call',
    extract: (e) => asString(field(identity(e), 'accessKeyId')),
  },
  {
    name: 'mfa_authenticated',
    kind: 'boolean',
    required: false,
    from: 'userIdentity.sessionContext.attributes.mfaAuthenticated',
    fallback: 'userIdentity.sessionContext.sessionAttributes.mfaAuthenticated',
    description: 'whether the session used MFA',
    extract: (e) => {
      const context = field(identity(e), 'sessionContext')
      const current = field(field(context, 'attributes'), 'mfaAuthenticated')
      return asBoolean(current !== undefined ? current : field(field(context, 'sessionAttributes'), 'mfaAuthenticated'))
    },
  },
  {
    name: 'error_code',
    kind: 'string',
    required: false,
    from: 'errorCode',
    holds: holdsErrorCode,
    description: 'error code of a failed call; null when it succeeded',
    extract: (e) => asNonEmptyString(e.errorCode),
  },
  {
    name: 'error_message',
    kind: 'string',
    required: false,
    from: 'errorMessage',
    description: 'error message of a failed call',
    extract: (e) => asNonEmptyString(e.errorMessage),
  },
  {
    name: 'request_parameters',
    kind: 'json',
    required: false,
    from: 'requestParameters',
    description: 'request parameters as canonical JSON (keys sorted)',
    extract: (e) => canonicalJson(e.requestParameters),
  },
  {
    name: 'response_elements',
    kind: 'json',
    required: false,
    from: 'responseElements',
    description: 'response elements as canonical JSON',
    extract: (e) => canonicalJson(e.responseElements),
  },
  {
    name: 'additional_event_data',
    kind: 'json',
    required: false,
    from: 'additionalEventData',
    description: 'additional event data as canonical JSON',
    extract: (e) => canonicalJson(e.additionalEventData),
  },
  {
    name: 'source_object',
    kind: 'string',
    required: true,
    from: '(the archive key)',
    description: 'the OSS key this row came from (lineage)',
    extract: () => null,
  },
  // Added after the first release: appended, so that files written before them stay a prefix of the schema.
  { name: 'event_rw', kind: 'string', required: false, from: 'eventRW', description: 'Read or Write', extract: text('eventRW') },
  {
    name: 'recipient_account_id',
    kind: 'string',
    required: false,
    from: 'recipientAccountId',
    holds: holdsIdentifier,
    description: 'account the event was delivered to (text, exact)',
    extract: (e) => asString(e.recipientAccountId),
  },
  {
    name: 'referenced_resources',
    kind: 'json',
    required: false,
    from: 'referencedResources',
    description: 'resources the call touched (resource type -> ids) as canonical JSON',
    extract: (e) => canonicalJson(e.referencedResources),
  },
  {
    name: 'unmapped',
    kind: 'json',
    required: false,
    from: '(every other field)',
    description: 'the rest of the event as canonical JSON: every field no column holds exactly; NULL when none',
    extract: () => null,
  },
]

export const COLUMN_NAMES = COLUMNS.map((c) => c.name)
export const EVENT_TIME_INDEX = COLUMN_NAMES.indexOf('event_time')
export const SOURCE_OBJECT_INDEX = COLUMN_NAMES.indexOf('source_object')
export const EVENT_ID_INDEX = COLUMN_NAMES.indexOf('event_id')
export const UNMAPPED_INDEX = COLUMN_NAMES.indexOf('unmapped')

/** A column that holds one field of the event, and the rule for when it holds it exactly. */
export interface FieldColumn {
  index: number
  column: Column
  path: readonly string[]
  /** The column's `fallback`, split. */
  fallback?: readonly string[]
  holds: Holds
}

/** Every column that holds an event field (all but derived ones and `(...)` sources), with its path. */
export const FIELD_COLUMNS: readonly FieldColumn[] = COLUMNS.flatMap((column, index) =>
  column.derived || column.from.startsWith('(')
    ? []
    : [{ index, column, path: column.from.split('.'), fallback: column.fallback?.split('.'), holds: column.holds ?? HOLDS_BY_KIND[column.kind] }],
)

/** Encoding hint: columns whose values differ on nearly every row, so a dictionary would not pay and none is tried. */
export const UNIQUE_PER_ROW: ReadonlySet<string> = new Set(['event_id', 'request_id', 'request_parameters', 'response_elements'])

/** Rows (`rows[r][c]`, in COLUMNS order) to column-major data (`columns[c][r]`), as the file writer takes them. */
export function toColumns(rows: readonly Value[][]): Value[][] {
  const columns: Value[][] = COLUMNS.map(() => new Array<Value>(rows.length))
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]
    for (let c = 0; c < columns.length; c++) columns[c][r] = row[c]
  }
  return columns
}

/** Partition columns: in the path only, never inside the files. */
export const PARTITION_COLUMNS = ['dt', 'event_name'] as const
