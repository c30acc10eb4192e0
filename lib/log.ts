import type { LogLevel } from './config.js'

export type LogFields = Record<string, unknown>

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }
const SECRET_FIELD = /secret|token|password|credential/i

/** Structured JSON lines, one per call: what FC log search and SLS index. Secret-looking fields are redacted. */
export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line + '\n'), level: LogLevel = 'info', base: LogFields = {}): Logger {
  const emit = (at: LogLevel) => (message: string, fields: LogFields = {}) => {
    if (RANK[at] < RANK[level]) return
    write(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...base, ...fields }, redact))
  }
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }

function redact(key: string, value: unknown): unknown {
  return SECRET_FIELD.test(key) && typeof value === 'string' ? '[redacted]' : value
}
