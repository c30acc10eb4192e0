/**
 * Three kinds of failure, and what the caller does with each:
 * - RetryableError: transient (network, OSS 5xx, throttling). Throw it so FC retries; writes are idempotent.
 * - PermanentInputError: the input itself is bad. Quarantine it with `reason`, never retry.
 * - ConfigError: a setting is wrong. Fail fast at start-up, naming the setting.
 */
export class CccTrailError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

export class RetryableError extends CccTrailError {}

export class PermanentError extends CccTrailError {}

/** Machine-readable quarantine reason codes, listed in docs/reliability.md. */
export type QuarantineReason =
  | 'not_gzip'
  | 'truncated_gzip'
  | 'corrupt_gzip'
  | 'invalid_json'
  | 'unknown_body_format'
  | 'event_count_mismatch'
  | 'event_not_object'
  | 'event_invalid_json'
  | 'event_time_missing'
  | 'event_time_invalid'
  | 'event_too_large'
  | 'event_too_deep'
  | 'event_name_too_long'
  | 'trailing_bytes'
  | 'unexpected_error'
  | 'empty_object'
  | 'duplicate_event_id'
  | 'event_key_case_conflict'

/** One event an archive could not place in the table, as its quarantine record lists it. */
export interface QuarantinedEvent {
  index: number
  reason: QuarantineReason
  message: string
  eventId?: string | null
  /** The event's text, while the archive's quarantine budget lasts; the source archive keeps it regardless. */
  raw?: string
}

export class PermanentInputError extends PermanentError {
  constructor(
    readonly reason: QuarantineReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export class ConfigError extends CccTrailError {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`)
  }
}

/** An invocation payload that is not what the trigger sends. Retrying the same payload cannot help. */
export class InvalidEventError extends PermanentError {}

/** A day window (backfill or compaction) that was refused; the message names the field and the bad value. */
export class WindowError extends PermanentError {}

/** A command or option that cannot be served as given: the CLI answers with exit status 2. */
export class UsageError extends CccTrailError {}

/** A storage object that does not exist. Permanent for reads of a named key. */
export class NotFoundError extends PermanentError {
  constructor(
    readonly key: string,
    where: string,
  ) {
    super(`${where}: no such object "${key}"`)
  }
}

/** Storage refused us for a reason a retry will not fix (credentials, permissions, missing bucket). */
export class AccessError extends PermanentError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
  }
}

/**
 * The location cannot create an object exclusively (an OSS bucket with versioning Enabled or Suspended
 * ignores `x-oss-forbid-overwrite`), so a writer that deletes cannot take its lease and refuses to run.
 */
export class ExclusiveCreateUnsupportedError extends PermanentError {}

export function isRetryable(error: unknown): boolean {
  return error instanceof RetryableError
}

/**
 * An error out of a pure conversion stage (decode, normalize, encode): our own errors stay as they
 * are; anything else is a fault no rule foresaw in this input, quarantined as `unexpected_error`
 * rather than thrown, so the archive cannot wedge a trigger or a backfill.
 */
export function asInputFault(error: unknown): Error {
  if (error instanceof CccTrailError) return error
  return new PermanentInputError('unexpected_error', `unexpected error while converting: ${errorMessage(error)}`, { cause: error })
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
