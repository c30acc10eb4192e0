export type LogFields = Record<string, unknown>

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
  /** The same logger with `fields` on every line (a line's own fields win). */
  child(fields: LogFields): Logger
}

/** Where a logger's lines go: the context fields and the line's own fields, kept apart until a line is really written. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export type LogSink = (level: LogLevel, message: string, context: LogFields, fields: LogFields | undefined) => void

/** A logger over a sink; every logger here is one, so `child` behaves the same everywhere. */
export function sinkLogger(sink: LogSink, context: LogFields = {}): Logger {
  const at = (level: LogLevel) => (message: string, fields?: LogFields) => sink(level, message, context, fields)
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (fields) => sinkLogger(sink, { ...context, ...fields }) }
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }
const SECRET_FIELD = /secret|token|password|credential/i

/** Structured JSON lines, one per call: what FC log search and SLS index. Secret-looking fields are redacted. */
export function jsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  level: LogLevel = 'info',
  base: LogFields = {},
): Logger {
  return sinkLogger((at, message, context, fields) => {
    if (RANK[at] < RANK[level]) return
    write(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...context, ...fields }, redact))
  }, base)
}

export const silentLogger: Logger = sinkLogger(() => {})

function redact(key: string, value: unknown): unknown {
  return SECRET_FIELD.test(key) && typeof value === 'string' ? '[redacted]' : value
}

/** A logger whose lines go to whatever logger `current` returns when a line is written (one made once, used across invocations). */
export function forwardingLogger(current: () => Logger): Logger {
  return sinkLogger((level, message, context, fields) => current().child(context)[level](message, fields))
}
