import { createHash } from 'node:crypto'
import { META_DIR } from '../layout.js'
import { partitionPath } from '../write/partition.js'

/**
 * Where compaction writes, under the destination prefix:
 *   dt=<d>/event_name=<n>/compact-<id>-<nnn>.parquet            merged files (id: hash of the input set)
 *   _ccc_trail/compactions/dt=<d>/event_name=<n>/<id>.json       the compaction record of those files
 */
export const COMPACTION_DIR = `${META_DIR}compactions/`
export const PART_PREFIX = 'part-'
export const COMPACT_PREFIX = 'compact-'

export interface PartitionRef {
  dt: string
  eventName: string | null
}

export function partitionPrefix(destPrefix: string, partition: PartitionRef): string {
  return destPrefix + partitionPath(partition.dt, partition.eventName)
}

export function recordPrefix(destPrefix: string, partition: PartitionRef): string {
  return destPrefix + COMPACTION_DIR + partitionPath(partition.dt, partition.eventName)
}

/** All compaction records of one day. */
export function recordDayPrefix(destPrefix: string, dt: string): string {
  return `${destPrefix}${COMPACTION_DIR}dt=${dt}/`
}

export function recordKey(destPrefix: string, partition: PartitionRef, id: string): string {
  return `${recordPrefix(destPrefix, partition)}${id}.json`
}

/** Every output of compaction `id` starts with this, so a crashed run's partial outputs can be found. */
export function outputPrefix(destPrefix: string, partition: PartitionRef, id: string): string {
  return `${partitionPrefix(destPrefix, partition)}${COMPACT_PREFIX}${id}-`
}

export function outputKey(destPrefix: string, partition: PartitionRef, id: string, index: number): string {
  return `${outputPrefix(destPrefix, partition, id)}${String(index).padStart(3, '0')}.parquet`
}

/** The same inputs (keys and versions) always give the same id, so a rerun after a crash rewrites the same names. */
export function compactionId(inputs: readonly { key: string; etag: string }[]): string {
  const hash = createHash('sha1')
  for (const input of [...inputs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) hash.update(`${input.key}@${input.etag}\n`)
  return hash.digest('hex').slice(0, 16)
}
