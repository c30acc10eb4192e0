import { loadRules } from './alerts/rules.js'
import type { AlertSettings } from './alerts/settings.js'
import { WEBHOOK_KINDS, type WebhookKind } from './alerts/webhook.js'
import { ConfigError, WindowError } from './errors.js'
import { type LocationSpec, normalizePrefix, parseLocation } from './location.js'
import type { LogLevel } from './log.js'
import { DEFAULT_TIME_ZONE, DEFAULT_WORK_HOURS, parseWorkHours } from './report/window.js'
import { isTimeZone } from './util/days.js'

/**
 * Every setting, read once. In Function Compute these are the function's environment variables
 * (s.yaml); the CLI passes its flags as overrides under the same names.
 */
export const SETTINGS = {
  SOURCE: 'where archives are read: a folder or oss://bucket/prefix (alternative to SOURCE_BUCKET/SOURCE_PREFIX)',
  SOURCE_BUCKET: 'OSS bucket that ActionTrail delivers to',
  SOURCE_PREFIX: 'key prefix before AliyunLogs/ in the source bucket (may be empty)',
  DEST: 'where the table is written: a folder or oss://bucket/prefix (alternative to DEST_BUCKET/DEST_PREFIX)',
  DEST_BUCKET: 'OSS bucket for the table (default: the source bucket)',
  DEST_PREFIX: 'key prefix of the table (default ccc-parquet/ccc_events/)',
  OSS_REGION: 'OSS region, e.g. cn-shanghai',
  OSS_ENDPOINT: 'OSS endpoint URL; overrides the one derived from the region',
  OSS_INTERNAL: 'use the internal (VPC/FC) endpoint: true or false (default false)',
  PARTITION_TIME_ZONE: 'IANA time zone of the dt partition (default UTC)',
  SERVICE_FILTER: 'extra serviceName values to keep besides CCC, comma separated (default none)',
  MEMORY_LIMIT_MB: 'memory bound for buffered rows of one archive, in MB (default 256)',
  MAX_EVENT_BYTES: 'largest single event kept, in bytes (default 33554432)',
  VERIFY_EVENT_COUNT: 'quarantine archives whose event count disagrees with the key: true or false (default true)',
  WORKER_FUNCTION_NAME: 'FC function that processes fanned-out batches (backfill)',
  FANOUT_BATCH_SIZE: 'archives per fanned-out batch; a delivery day that fits is not split (default 288: a day at the five-minute cadence)',
  FANOUT_THRESHOLD: 'backfill fans out when more archives than this are pending (default 200)',
  COMPACT_TARGET_MB: 'target size of compacted files in MB (default 128)',
  LOG_LEVEL: 'debug, info, warn or error (default info)',
  ALERT_RULES: 'alert rules: a YAML or JSON file, or the JSON itself (default: the built-in rules, docs/alerts.md)',
  ALERT_WEBHOOK_URL: 'where alert messages go; unset: the trigger sends no alerts',
  ALERT_WEBHOOK_SECRET: 'signing secret of the webhook (DingTalk SEC…, Lark, or generic HMAC); never logged',
  ALERT_WEBHOOK_KIND: 'dingtalk, lark or generic (default dingtalk)',
  ALERT_WORK_HOURS: `working hours of the alert rules, HH-HH on the local clock (default ${DEFAULT_WORK_HOURS})`,
  ALERT_TIME_ZONE: `IANA time zone of working hours and of times in alert messages (default ${DEFAULT_TIME_ZONE})`,
} as const

export type SettingName = keyof typeof SETTINGS
export type Settings = Partial<Record<SettingName, string>>

export const DEFAULT_DEST_PREFIX = 'ccc-parquet/ccc_events/'

export interface Config {
  source?: LocationSpec
  dest: LocationSpec
  oss: { region?: string; endpoint?: string; internal: boolean }
  timeZone: string
  extraServices: ReadonlySet<string>
  memoryLimitBytes: number
  maxEventBytes: number
  verifyEventCount: boolean
  workerFunctionName?: string
  fanoutBatchSize: number
  fanoutThreshold: number
  compactTargetBytes: number
  logLevel: LogLevel
  alerts: AlertSettings
}

/** Reads settings from the environment, with `overrides` (CLI flags) taking precedence. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Settings = {}): Config {
  const get = (name: SettingName): string | undefined => {
    const value = overrides[name] ?? env[name]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }
  const source = bucketOrLocation(get('SOURCE'), get('SOURCE_BUCKET'), get('SOURCE_PREFIX') ?? '', 'SOURCE')
  const destBucket = get('DEST_BUCKET') ?? (source?.kind === 'oss' ? source.bucket : undefined)
  const dest = bucketOrLocation(get('DEST'), destBucket, get('DEST_PREFIX') ?? DEFAULT_DEST_PREFIX, 'DEST')
  if (!dest) throw new ConfigError('DEST', 'is not set; give DEST (a folder or oss://bucket/prefix) or DEST_BUCKET')
  return {
    source,
    dest,
    oss: { region: get('OSS_REGION'), endpoint: get('OSS_ENDPOINT'), internal: flag(get('OSS_INTERNAL'), false, 'OSS_INTERNAL') },
    timeZone: timeZone(get('PARTITION_TIME_ZONE') ?? 'UTC'),
    extraServices: new Set(
      (get('SERVICE_FILTER') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    memoryLimitBytes: positive(get('MEMORY_LIMIT_MB'), 256, 'MEMORY_LIMIT_MB') * 1024 * 1024,
    maxEventBytes: positive(get('MAX_EVENT_BYTES'), 32 * 1024 * 1024, 'MAX_EVENT_BYTES'),
    verifyEventCount: flag(get('VERIFY_EVENT_COUNT'), true, 'VERIFY_EVENT_COUNT'),
    workerFunctionName: get('WORKER_FUNCTION_NAME'),
    fanoutBatchSize: positive(get('FANOUT_BATCH_SIZE'), 288, 'FANOUT_BATCH_SIZE'),
    fanoutThreshold: positive(get('FANOUT_THRESHOLD'), 200, 'FANOUT_THRESHOLD'),
    compactTargetBytes: positive(get('COMPACT_TARGET_MB'), 128, 'COMPACT_TARGET_MB') * 1024 * 1024,
    logLevel: logLevel(get('LOG_LEVEL') ?? 'info'),
    alerts: alertSettings(get),
  }
}

function alertSettings(get: (name: SettingName) => string | undefined): AlertSettings {
  let workHours: AlertSettings['workHours']
  try {
    workHours = parseWorkHours(get('ALERT_WORK_HOURS') ?? DEFAULT_WORK_HOURS, get('ALERT_TIME_ZONE') ?? DEFAULT_TIME_ZONE)
  } catch (error) {
    if (!(error instanceof WindowError)) throw error
    throw new ConfigError(error.message.startsWith('--time-zone') ? 'ALERT_TIME_ZONE' : 'ALERT_WORK_HOURS', error.message.replace(/^--[a-z-]+ /, ''))
  }
  const url = get('ALERT_WEBHOOK_URL')
  const kind = get('ALERT_WEBHOOK_KIND') ?? 'dingtalk'
  if (!WEBHOOK_KINDS.includes(kind as WebhookKind)) throw new ConfigError('ALERT_WEBHOOK_KIND', `must be ${WEBHOOK_KINDS.join(', ')}, got "${kind}"`)
  if (url !== undefined && !/^https?:\/\//.test(url)) throw new ConfigError('ALERT_WEBHOOK_URL', 'must be an http(s):// URL')
  return {
    rules: loadRules(get('ALERT_RULES')),
    workHours,
    webhook: url ? { kind: kind as WebhookKind, url, secret: get('ALERT_WEBHOOK_SECRET') } : undefined,
  }
}

function bucketOrLocation(uri: string | undefined, bucket: string | undefined, prefix: string, name: 'SOURCE' | 'DEST'): LocationSpec | undefined {
  if (uri) return parseLocation(uri, name)
  if (!bucket) return undefined
  const spec = parseLocation(`oss://${bucket}`, `${name}_BUCKET`)
  return { ...spec, prefix: normalizePrefix(prefix) }
}

function positive(value: string | undefined, fallback: number, name: SettingName): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isFinite(number) || number <= 0) throw new ConfigError(name, `must be a positive number, got "${value}"`)
  return number
}

function flag(value: string | undefined, fallback: boolean, name: SettingName): boolean {
  if (value === undefined) return fallback
  if (/^(true|1|yes|on)$/i.test(value)) return true
  if (/^(false|0|no|off)$/i.test(value)) return false
  throw new ConfigError(name, `must be true or false, got "${value}"`)
}

function timeZone(value: string): string {
  if (isTimeZone(value)) return value
  throw new ConfigError('PARTITION_TIME_ZONE', `"${value}" is not an IANA time zone (e.g. UTC, Asia/Shanghai)`)
}

function logLevel(value: string): LogLevel {
  if (value === 'debug' || value === 'info' || value === 'warn' || value === 'error') return value
  throw new ConfigError('LOG_LEVEL', `must be debug, info, warn or error, got "${value}"`)
}
