import { RetryableError } from '../errors.js'
import { isSharedDataFile, manifestKey, type PartitionRef, partitionPath } from '../layout.js'
import type { Storage } from '../storage/types.js'
import { type CompactionGuard, compactionGuard, type Tombstone } from './compaction-guard.js'
import { acquireLease, DEFAULT_LEASE_TTL_MS, describeHolder, type Lease, type LeaseOptions, newOwnerId } from './lease.js'
import { findManifests, type Manifest, type OutputFile, readManifest, writeManifest } from './manifest.js'

/**
 * What the table already knows about one archive version, and the one place that decides what a run
 * of it may write. `begin` answers "already done" (after removing what an interrupted earlier run of
 * another version left behind) or hands out a run; the run's `commit` writes the manifest and only then
 * deletes what earlier runs wrote and this one did not.
 */
export type LedgerEntry = { kind: 'already_done' } | { kind: 'convert'; run: ArchiveRun }

export interface ArchiveRun {
  /** No earlier run of this source left a manifest: nothing to supersede, no rows anywhere yet. */
  readonly first: boolean
  /**
   * Call before converting. A run that replaces earlier runs' files (not `first`) takes the leases of the
   * partitions those runs wrote into, then reads the compaction guard under them; a first run holds nothing.
   */
  hold(): Promise<void>
  /** False when this output's rows already sit in a compacted file of its partition (see compaction-guard.ts). */
  shouldWrite(outputKey: string): boolean
  /** The tombstones this run needs besides `written` (lib/write/tombstones.ts writes them). */
  tombstones(written: readonly OutputFile[]): Tombstone[]
  /** Writes the manifest (the commit), then removes the superseded outputs, quarantine records and manifests, then releases. */
  commit(manifest: Manifest): Promise<void>
  /** Gives up the leases `hold` took (done by `commit`; call it when the run fails). Idempotent. */
  release(): Promise<void>
}

export interface ArchiveVersion {
  source: string
  etag: string
}

export interface BeginOptions {
  force?: boolean
  /** Lease settings for runs that replace earlier files (tests pass a clock); purpose and owner are set here. */
  lease?: Partial<LeaseOptions>
}

/**
 * How long a run that replaces earlier files waits for a compaction or roll-up holding one of its
 * partitions (one lease TTL: a crashed holder's lease has expired by then) before it fails as retryable.
 */
export const SUPERSESSION_WAIT_MS = DEFAULT_LEASE_TTL_MS

export async function beginArchive(dest: Storage, destPrefix: string, version: ArchiveVersion, options: BeginOptions = {}): Promise<LedgerEntry> {
  const previous = await findManifests(dest, destPrefix, version.source)
  const done = previous.find((m) => m.etag === version.etag)
  if (!options.force && done) {
    // A run that died after its commit may have left an older version's outputs behind.
    const stale = previous.filter((m) => m !== done)
    if (stale.length > 0) {
      const old = await Promise.all(stale.map((m) => readManifest(dest, m.key)))
      const leases = await leasePartitions(dest, destPrefix, old, options.lease)
      try {
        await removeUnderLeases(leases, dest, destPrefix, old, await readManifest(dest, done.key))
      } finally {
        await releaseAll(leases)
      }
    }
    return { kind: 'already_done' }
  }
  // Read before converting: a forced rerun overwrites the manifest of the same version.
  const superseded = await Promise.all(previous.map((m) => readManifest(dest, m.key)))
  const readGuard = () => compactionGuard(dest, destPrefix, version.source, version.etag, superseded)
  const first = previous.length === 0
  // A first run's guard reads nothing that a compaction changes; a later run's is read under its leases.
  let guard: CompactionGuard | undefined = first ? await readGuard() : undefined
  let leases: Lease[] = []
  const held = (): CompactionGuard => {
    if (!guard) throw new Error(`the run of ${version.source} replaces earlier files: hold() it before converting`)
    return guard
  }
  const release = async () => {
    const holding = leases
    leases = []
    await releaseAll(holding)
  }
  return {
    kind: 'convert',
    run: {
      first,
      async hold() {
        if (guard) return
        leases = await leasePartitions(dest, destPrefix, superseded, options.lease)
        try {
          guard = await readGuard()
        } catch (error) {
          await release()
          throw error
        }
      },
      shouldWrite: (key) => held().shouldWrite(key),
      tombstones: (written) => held().tombstones(written),
      async commit(manifest) {
        try {
          await writeManifest(dest, destPrefix, manifest)
          await removeUnderLeases(leases, dest, destPrefix, superseded, manifest)
        } finally {
          await release()
        }
      },
      release,
    },
  }
}

/**
 * The leases of every partition the earlier runs wrote into, taken in partition order (two runs never
 * wait on each other in a circle), so that no overwrite or delete of this run meets a compaction's.
 */
async function leasePartitions(dest: Storage, destPrefix: string, earlier: readonly Manifest[], settings: Partial<LeaseOptions> = {}): Promise<Lease[]> {
  const partitions = new Map<string, PartitionRef>()
  for (const output of earlier.flatMap((m) => m.outputs))
    partitions.set(partitionPath(output.dt, output.eventName), { dt: output.dt, eventName: output.eventName })
  const owner = newOwnerId()
  const leases: Lease[] = []
  try {
    for (const path of [...partitions.keys()].sort()) {
      const attempt = await acquireLease(dest, destPrefix, partitions.get(path)!, { waitMs: SUPERSESSION_WAIT_MS, ...settings, purpose: 'supersession', owner })
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

/** removeSuperseded, once every lease is checked to be still this run's. */
async function removeUnderLeases(leases: readonly Lease[], dest: Storage, destPrefix: string, superseded: Manifest[], manifest: Manifest): Promise<void> {
  for (const lease of leases) await lease.check()
  await removeSuperseded(dest, destPrefix, superseded, manifest)
}

/** Never throws: a lease whose release failed expires after its TTL, and the run's own outcome matters more. */
async function releaseAll(leases: readonly Lease[]): Promise<void> {
  await Promise.allSettled(leases.map((lease) => lease.release()))
}

/**
 * After the new manifest is committed: delete what only earlier runs wrote (files and quarantine records
 * in one multi-object delete, then their manifests, so a crash between leaves a manifest that still
 * names what is left). A batch file an earlier manifest names holds other archives' rows too: it stays
 * (the guard's part files replace this source's rows there).
 */
async function removeSuperseded(dest: Storage, destPrefix: string, superseded: Manifest[], manifest: Manifest): Promise<void> {
  const keep = new Set(manifest.outputs.map((o) => o.key))
  if (manifest.quarantine) keep.add(manifest.quarantine)
  keep.add(manifestKey(destPrefix, manifest.source, manifest.etag))
  const unkept = (keys: (string | undefined)[]) =>
    [...new Set(keys)].filter((key): key is string => key !== undefined && !keep.has(key) && !isSharedDataFile(key))
  await dest.deleteMany(unkept(superseded.flatMap((old) => [...old.outputs.map((o) => o.key), old.quarantine])))
  await dest.deleteMany(unkept(superseded.map((old) => manifestKey(destPrefix, old.source, old.etag))))
}
