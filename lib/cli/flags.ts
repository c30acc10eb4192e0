import { type Config, loadConfig, type Settings } from '../config.js'
import { UsageError } from '../errors.js'
import type { CommandInput, OptionSpec } from './command.js'

/** Flags shared by commands that read configuration; each maps to a setting of lib/config.ts. */
export const LOCATION_OPTIONS = {
  source: { type: 'string', description: 'archives: a folder or oss://bucket/prefix (env SOURCE)', placeholder: 'location' },
  dest: { type: 'string', description: 'the table: a folder or oss://bucket/prefix (env DEST)', placeholder: 'location' },
} satisfies Record<string, OptionSpec>

export const TUNING_OPTIONS = {
  'time-zone': { type: 'string', description: 'time zone of the dt partition (env PARTITION_TIME_ZONE, default UTC)', placeholder: 'zone' },
  'memory-mb': { type: 'string', description: 'memory bound per archive in MB (env MEMORY_LIMIT_MB, default 256)', placeholder: 'MB' },
  'accept-count-mismatch': { type: 'boolean', description: 'write archives whose event count disagrees with the key instead of quarantining them' },
} satisfies Record<string, OptionSpec>

/** How many archives run at once, and where: shared by process and backfill. */
export const RUN_OPTIONS = {
  concurrency: { type: 'string', description: 'archives in flight at once (default 4)', placeholder: 'n' },
  workers: {
    type: 'string',
    description: 'worker threads (default: one per core for 200 archives or more, or more than 3 of 64 KB or more on average; 1 = in-process)',
    placeholder: 'n',
  },
} satisfies Record<string, OptionSpec>

/** `--concurrency` and `--workers` as run options (workers undefined: let the pool decide). */
export function runFlags(input: CommandInput): { concurrency: number; workers?: number } {
  return { concurrency: intFlag(input, 'concurrency', 4), workers: input.values.workers === undefined ? undefined : intFlag(input, 'workers', 1) }
}

const FLAG_SETTINGS: Record<string, keyof Settings> = {
  source: 'SOURCE',
  dest: 'DEST',
  'time-zone': 'PARTITION_TIME_ZONE',
  'memory-mb': 'MEMORY_LIMIT_MB',
}

export function configFromFlags(input: CommandInput): Config {
  const overrides: Settings = {}
  for (const [flag, setting] of Object.entries(FLAG_SETTINGS)) {
    const value = input.values[flag]
    if (typeof value === 'string') overrides[setting] = value
  }
  if (input.values['accept-count-mismatch']) overrides.VERIFY_EVENT_COUNT = 'false'
  return loadConfig(input.env, overrides)
}

export function intFlag(input: CommandInput, name: string, fallback: number): number {
  const value = input.values[name]
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`--${name} must be a positive whole number, got "${value}"`)
  return number
}
