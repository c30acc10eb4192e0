import type { OptionSpec } from './command.js'

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
