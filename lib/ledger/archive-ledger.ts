import { RetryableError } from '../errors.js'
import { manifestKey, type PartitionRef, partitionPath } from '../layout.js'
import type { Storage } from '../storage/types.js'
import { compactionGuard } from './compaction-guard.js'
import { acquireLease, describeHolder, type Lease, newOwnerId } from './lease.js'
import { findManifests, type Manifest, type OutputFile, readManifest, writeManifest } from './manifest.js'

/**
 * What the table already knows about one archive version, and the one place that decides what a run
 * of it may write. `begin` answers "already done" (after removing what an interrupted earlier run of
 * another version left behind) or hands out a run; the run's `commit` writes the manifest and only then
 * deletes what earlier runs wrote and this one did not.
 */
export type LedgerEntry = { kind: 'already_done' } | { kind: 'convert'; run: ArchiveRun }

export interface ArchiveRun {
  /** False when this output's rows already sit in a compacted file of its partition (see compaction-guard.ts). */
  shouldWrite(outputKey: string): boolean
  /** Writes the tombstones this run needs besides `written` and returns them as outputs for its manifest. */
  tombstones(written: readonly OutputFile[]): Promise<OutputFile[]>
  /** Writes the manifest (the commit), then removes the superseded outputs, quarantine records and manifests. */
  commit(manifest: Manifest): Promise<void>
  /** Gives up the partition leases the run holds (after commit, or when the run fails). Idempotent. */
  release(): Promise<void>
}

/**
 * A run that replaces what earlier runs wrote (a new version, a forced rerun) overwrites and deletes part
 * files that a compaction or roll-up of the same partitions might be consuming at that moment, so it holds
 * the leases of the partitions the earlier runs wrote into, from before its first write until its deletes
 * are done, waiting up to this long for a compaction to finish. A first run of an archive takes none.
 */
export const SUPERSESSION_WAIT_MS = 10 * 60_000

export interface ArchiveVersion {
  source: string
  etag: string
}

export async function beginArchive(dest: Storage, destPrefix: string, version: ArchiveVersion, options: { force?: boolean } = {}): Promise<LedgerEntry> {
  const previous = await findManifests(dest, destPrefix, version.source)
  const done = previous.find((m) => m.etag === version.etag)
  if (!options.force && done) {
    // A run that died after its commit may have left an older version's outputs behind.
    const stale = previous.filter((m) => m !== done)
    if (stale.length > 0) {
      const old = await Promise.all(stale.map((m) => readManifest(dest, m.key)))
      const leases = await leasePartitions(dest, destPrefix, old)
      try {
        await checkAll(leases)
        await removeSuperseded(dest, destPrefix, old, await readManifest(dest, done.key))
      } finally {
        await releaseAll(leases)
      }
    }
    return { kind: 'already_done' }
  }
  // Read before converting: a forced rerun overwrites the manifest of the same version.
  const superseded = await Promise.all(previous.map((m) => readManifest(dest, m.key)))
  const leases = await leasePartitions(dest, destPrefix, superseded)
  try {
    const guard = await compactionGuard(dest, destPrefix, version.source, version.etag, superseded)
    return {
      kind: 'convert',
      run: {
        shouldWrite: guard.shouldWrite,
        tombstones: guard.tombstones,
        async commit(manifest) {
          await writeManifest(dest, destPrefix, manifest)
          await checkAll(leases)
          await removeSuperseded(dest, destPrefix, superseded, manifest)
          await releaseAll(leases)
        },
        release: () => releaseAll(leases),
      },
    }
  } catch (error) {
    await releaseAll(leases)
    throw error
  }
}

/** The leases of every partition the earlier runs wrote into, in partition order (so two runs never wait on each other in a circle). */
async function leasePartitions(dest: Storage, destPrefix: string, earlier: readonly Manifest[]): Promise<Lease[]> {
  const partitions = new Map<string, PartitionRef>()
  for (const output of earlier.flatMap((m) => m.outputs))
    partitions.set(partitionPath(output.dt, output.eventName), { dt: output.dt, eventName: output.eventName })
  const owner = newOwnerId()
  const leases: Lease[] = []
  try {
    for (const [path, partition] of [...partitions].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const attempt = await acquireLease(dest, destPrefix, partition, { purpose: 'supersession', owner, waitMs: SUPERSESSION_WAIT_MS })
      if (attempt.kind === 'held')
        throw new RetryableError(`${path} is still held by ${describeHolder(attempt.holder)}; the archive is converted on the next attempt`)
      leases.push(attempt.lease)
    }
    return leases
  } catch (error) {
    await releaseAll(leases)
    throw error
  }
}

async function checkAll(leases: readonly Lease[]): Promise<void> {
  for (const lease of leases) await lease.check()
}

async function releaseAll(leases: readonly Lease[]): Promise<void> {
  await Promise.all(leases.map((lease) => lease.release()))
}

/**
 * After the new manifest is committed: delete what only earlier runs wrote (files and quarantine records
 * in one multi-object delete, then their manifests, so a crash between leaves a manifest that still
 * names what is left).
 */
async function removeSuperseded(dest: Storage, destPrefix: string, superseded: Manifest[], manifest: Manifest): Promise<void> {
  const keep = new Set(manifest.outputs.map((o) => o.key))
  if (manifest.quarantine) keep.add(manifest.quarantine)
  keep.add(manifestKey(destPrefix, manifest.source, manifest.etag))
  const unkept = (keys: (string | undefined)[]) => [...new Set(keys)].filter((key): key is string => key !== undefined && !keep.has(key))
  await dest.deleteMany(unkept(superseded.flatMap((old) => [...old.outputs.map((o) => o.key), old.quarantine])))
  await dest.deleteMany(unkept(superseded.map((old) => manifestKey(destPrefix, old.source, old.etag))))
}
