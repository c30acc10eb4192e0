import { expect } from 'vitest'
import { DEFAULT_LEASE_TTL_MS } from '../../lib/ledger/lease.js'
import type { Counts } from '../../lib/ledger/manifest.js'
import { silentLogger } from '../../lib/log.js'
import type { Pipeline, PipelineOptions } from '../../lib/pipeline.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import type { Storage } from '../../lib/storage/types.js'
import { tempDir } from './temp.js'

export const TEST_OPTIONS: PipelineOptions = {
  timeZone: 'UTC',
  extraServices: new Set(),
  memoryLimitBytes: 256 << 20,
  maxEventBytes: 32 << 20,
  verifyEventCount: true,
}

/** A pipeline from a memory bucket into a temp folder that DuckDB can read. */
export async function testPipeline(
  overrides: Omit<Partial<Pipeline>, 'options'> & { options?: Partial<PipelineOptions> } = {},
): Promise<Pipeline & { source: Storage; destRoot: string }> {
  const destRoot = await tempDir('ccc-lake')
  return {
    source: overrides.source ?? new MemoryStorage(),
    dest: overrides.dest ?? new FsStorage(destRoot),
    destPrefix: overrides.destPrefix ?? '',
    log: overrides.log ?? silentLogger,
    options: { ...TEST_OPTIONS, ...overrides.options },
    destRoot,
  }
}

/** The same pipeline for the run after a crash: it comes once the crashed run's partition leases expired (as FC's retry does). */
export function afterCrashedLeases<P extends Pipeline>(pipeline: P): P {
  return { ...pipeline, options: { ...pipeline.options, lease: { now: () => Date.now() + DEFAULT_LEASE_TTL_MS + 1 } } }
}

/** The accounting invariant: every event is a row, a counted non-CCC skip, or quarantined. */
export function expectAccounted(result: { key?: string; counts: Counts }): void {
  const { events, rows, nonCcc, quarantined } = result.counts
  expect(rows + nonCcc + quarantined, `events of ${result.key ?? 'the run'}`).toBe(events)
}
