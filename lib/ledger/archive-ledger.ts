import { isSharedDataFile, manifestKey } from '../layout.js'
import type { Storage } from '../storage/types.js'
import { compactionGuard, type Tombstone } from './compaction-guard.js'
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
  /** False when this output's rows already sit in a compacted file of its partition (see compaction-guard.ts). */
  shouldWrite(outputKey: string): boolean
  /** The tombstones this run needs besides `written` (lib/write/tombstones.ts writes them). */
  tombstones(written: readonly OutputFile[]): Tombstone[]
  /** Writes the manifest (the commit), then removes the superseded outputs, quarantine records and manifests. */
  commit(manifest: Manifest): Promise<void>
}

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
      await removeSuperseded(dest, destPrefix, old, await readManifest(dest, done.key))
    }
    return { kind: 'already_done' }
  }
  // Read before converting: a forced rerun overwrites the manifest of the same version.
  const superseded = await Promise.all(previous.map((m) => readManifest(dest, m.key)))
  const guard = await compactionGuard(dest, destPrefix, version.source, version.etag, superseded)
  return {
    kind: 'convert',
    run: {
      first: previous.length === 0,
      shouldWrite: guard.shouldWrite,
      tombstones: guard.tombstones,
      async commit(manifest) {
        await writeManifest(dest, destPrefix, manifest)
        await removeSuperseded(dest, destPrefix, superseded, manifest)
      },
    },
  }
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
