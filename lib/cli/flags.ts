import { type Config, loadConfig, type Settings } from '../config.js'
import { UsageError } from '../errors.js'
import type { CommandInput } from './command.js'

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
