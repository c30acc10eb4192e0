import { type CompactOptions, type CompactSummary, compactTable } from '../../lib/compact/compact-table.js'
import { DEFAULT_LEASE_TTL_MS } from '../../lib/ledger/lease.js'
import { silentLogger } from '../../lib/log.js'
import type { Pipeline } from '../../lib/pipeline.js'
import type { LocalTable } from '../../lib/query/local-table.js'
import { processArchives, type RunSummary } from '../../lib/run-archives.js'
import { listObjects } from '../../lib/storage/list.js'
import type { Storage } from '../../lib/storage/types.js'
import { queryTable } from './duck.js'

/** Builders shared by the compaction tests: run the pipeline and compaction, look at the table the way a reader does. */

export function processAll(pipeline: Pipeline, keys: Iterable<string>, force = false): Promise<RunSummary> {
  return processArchives(pipeline, keys, { concurrency: 4, force })
}

export function compactAll(
  pipeline: Pipeline,
  targetBytes = 128 << 20,
  dest: Storage = pipeline.dest,
  options: Partial<CompactOptions> = {},
): Promise<CompactSummary> {
  return compactTable(dest, pipeline.destPrefix, { selection: {}, targetBytes, ...options }, silentLogger)
}

/** For the run after a crash: it comes once the crashed run's partition leases have expired (as the next timer run does). */
export const AFTER_CRASHED_LEASES: Partial<CompactOptions> = { lease: { now: () => Date.now() + DEFAULT_LEASE_TTL_MS + 1 } }

/** Data files of the table, grouped by partition folder. */
export async function filesByPartition(dest: Storage, prefix = ''): Promise<Map<string, string[]>> {
  const partitions = new Map<string, string[]>()
  for await (const info of listObjects(dest, prefix + 'dt=')) {
    const cut = info.key.lastIndexOf('/')
    const folder = info.key.slice(0, cut + 1)
    partitions.set(folder, [...(partitions.get(folder) ?? []), info.key.slice(cut + 1)])
  }
  return partitions
}

/** One text per row that identifies its event: the event_id, or for rows without one their source and position in time. */
export async function eventKeys(root: string | LocalTable): Promise<string[]> {
  const rows = await queryTable(
    root,
    `SELECT coalesce(event_id, source_object || '|' || epoch_ms(event_time) || '|' || coalesce(request_id, '')) AS k FROM ccc_events ORDER BY k`,
  )
  return rows.map((r) => r.k as string)
}

export async function rowCount(root: string | LocalTable): Promise<number> {
  const [row] = await queryTable(root, 'SELECT count(*) AS n FROM ccc_events')
  return Number(row.n)
}
