import { UsageError } from '../errors.js'
import type { PartitionBounds } from '../query/partition-bounds.js'
import { isDay } from '../util/days.js'
import type { CommandInput, OptionSpec } from './command.js'

/** Flags that bound the partitions a query reads; they win over what the statement says. */
export const PARTITION_OPTIONS = {
  from: { type: 'string', description: 'read only days (dt) from this one on, whatever the SQL says', placeholder: 'YYYY-MM-DD' },
  to: { type: 'string', description: 'read only days (dt) up to this one, included', placeholder: 'YYYY-MM-DD' },
  'event-name': { type: 'string', multiple: true, description: 'read only this event_name partition (repeat for more)', placeholder: 'name' },
} satisfies Record<string, OptionSpec>

export const CACHE_OPTIONS = {
  cache: { type: 'string', description: 'local mirror folder for an OSS table (default: <system temp>/ccc-trail-cache)', placeholder: 'folder' },
  'cache-max-mb': {
    type: 'string',
    description: "after mirroring, drop least recently used partitions until this table's mirror takes at most this (default: no limit)",
    placeholder: 'MB',
  },
} satisfies Record<string, OptionSpec>

/** The bounds `--from`, `--to` and `--event-name` give (empty when none is given); a malformed day is a usage error. */
export function partitionFlags(values: CommandInput['values']): PartitionBounds {
  const from = values.from as string | undefined
  const to = values.to as string | undefined
  for (const [flag, value] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (value !== undefined && !isDay(value)) throw new UsageError(`${flag} must be a date YYYY-MM-DD, got "${value}"`)
  }
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`)
  const names = values['event-name'] as string[] | undefined
  const bounds: PartitionBounds = {}
  if (from || to) bounds.days = [{ ...(from ? { from } : {}), ...(to ? { to } : {}) }]
  if (names?.length) bounds.eventNames = [...new Set(names)].sort()
  return bounds
}

/** `--cache-max-mb` as a number of megabytes, when given. */
export function cacheMaxMb(values: CommandInput['values']): number | undefined {
  const value = values['cache-max-mb']
  if (value === undefined) return undefined
  const number = Number(value)
  if (!Number.isFinite(number) || number < 0 || String(value).trim() === '')
    throw new UsageError(`--cache-max-mb must be a number of megabytes (0 or more), got "${value}"`)
  return number
}
