import { fileNameOf, parseDataFileName, sourceId } from '../layout.js'
import type { CompactionRecord } from './compaction-records.js'

/** A data file as a listing of its partition folder shows it. */
export interface FileVersion {
  etag: string
  /** Milliseconds since the epoch, where the listing tells it (orders groups whose record is lost). */
  lastModified?: number
}

/** One partition folder: its data files by name, and the records of the multi-source writer runs found for it. */
export interface PartitionListing {
  files: ReadonlyMap<string, FileVersion>
  records: readonly CompactionRecord[]
  /** Sources held by multi-source files that no record describes (records lost), where the caller read them. */
  sourcesOf?: ReadonlyMap<string, readonly string[]>
  /** The caller's clock (epoch millis), for a caller that deletes: it tells a batch still writing from one that died. */
  now?: number
}

/**
 * A batch (a writer that consumes no input and holds no lease) still `writing` after this long has died:
 * a batch is at most a day of archives, converted in minutes, and no Function Compute invocation lasts longer.
 */
export const ABANDONED_BATCH_MS = 6 * 60 * 60 * 1000

/** Which rows of a partition are visible, and what a cleanup of the partition may delete. */
export interface PartitionVisibility {
  /** Names of the files a reader reads, sorted. */
  read: string[]
  /** Per multi-source file read: sources whose rows that file must not contribute (their rows live elsewhere). */
  staleSources: Map<string, Set<string>>
  /**
   * Per multi-source file read: rows of a stale source to keep after all, relabelled. The file's run kept one
   * copy of an event delivered in several archives and dropped the others (its record's `standIns`); when
   * the kept copy's archive is superseded, the event is still in another archive whose rows this file
   * holds: the row shows under that source (`as`), as the next compaction will write it (compact/stand-ins.ts).
   */
  restored: Map<string, { eventId: string; as: string }[]>
  /** Runs that died writing, with the files they left: partial copies of rows their inputs still hold, or of no committed rows. */
  unfinished: { record: CompactionRecord; files: string[] }[]
  /** Batches still writing (given `now`): their files are not read yet, and nobody may delete them. */
  inFlight: { record: CompactionRecord; files: string[] }[]
  /** Inputs of finished runs still listed at the version the run read: their rows sit in the run's outputs. */
  consumed: string[]
  /** Finished runs whose outputs all exist and are not consumed by a later run: they describe files of the partition. */
  live: CompactionRecord[]
  /** Finished runs that describe nothing any more (outputs consumed by a later run, or missing). */
  dead: CompactionRecord[]
  /** Multi-source files with no record whose sources the caller must read (`sourcesOf`) before the answer is exact. */
  needsSources: string[]
}

interface Group {
  id: string
  files: string[]
  /** Ids (see `sourceId`) of the sources this group speaks for: those whose rows it holds, and those whose part file it consumed. */
  claims: Set<string>
  sources: readonly string[]
  age: number
}

/**
 * The one rule of which rows of a partition are visible, used by query, compaction and recovery:
 *  1. a run still `writing` is unfinished: its files are skipped (the rows are still in its inputs, or, for
 *     a batch, not committed yet); a caller that deletes gives `now`, and a batch still writing is in flight;
 *  2. a `written` run whose outputs all exist replaces its inputs: those still at the version it read are
 *     skipped (an input rewritten since is newer and is read); a run whose outputs a later run consumed is dead;
 *  3. every source's rows come from exactly one place: its part file when one is read (a rerun, a new
 *     version of the archive, or an empty tombstone); otherwise the newest group of multi-source files that
 *     speaks for it — a group speaks for the sources whose rows it holds and for those whose part files it
 *     consumed, even empty ones. Every other file holding that source has it in `staleSources`;
 *  4. multi-source files that no record describes (lost records) take part in rule 3 with the sources the
 *     caller read from them; until then they are listed in `needsSources` and read whole.
 * Pure: the listing in, the answer out.
 */
export function partitionVisibility({ files, records, sourcesOf, now }: PartitionListing): PartitionVisibility {
  const unfinished: PartitionVisibility['unfinished'] = []
  const inFlight: PartitionVisibility['inFlight'] = []
  const skipped = new Set<string>()
  for (const record of records.filter((r) => r.state === 'writing')) {
    const left = [...files.keys()].filter((name) => groupOf(name) === record.id)
    for (const name of left) skipped.add(name)
    ;(now !== undefined && batchStillWriting(record, now) ? inFlight : unfinished).push({ record, files: left })
  }
  const finished = records.filter((r) => r.state === 'written' && r.outputs.length > 0 && r.outputs.every((o) => files.has(fileNameOf(o.key))))
  const consumed = new Set<string>()
  for (const record of finished)
    for (const input of record.inputs) if (files.get(fileNameOf(input.key))?.etag === input.etag) consumed.add(fileNameOf(input.key))
  for (const name of consumed) skipped.add(name)
  const live = finished.filter((r) => !r.outputs.some((o) => consumed.has(fileNameOf(o.key))))
  const dead = records.filter((r) => r.state === 'written' && !live.includes(r))

  const read = [...files.keys()].filter((name) => !skipped.has(name)).sort()
  const groups = groupsOf(read, files, live, sourcesOf)
  const owner = new Map<string, Group | 'part'>()
  for (const name of read) {
    const parsed = parseDataFileName(name)
    if (parsed?.kind === 'part') owner.set(parsed.sourceId, 'part')
  }
  for (const group of [...groups.values()].sort(newestFirst)) for (const id of group.claims) if (!owner.has(id)) owner.set(id, group)
  const staleSources = new Map<string, Set<string>>()
  for (const group of groups.values()) {
    const stale = new Set(group.sources.filter((source) => owner.get(sourceId(source)) !== group))
    if (stale.size > 0) for (const name of group.files) staleSources.set(name, stale)
  }
  const restored = new Map<string, { eventId: string; as: string }[]>()
  for (const record of live) {
    const group = groups.get(record.id)
    if (!group || !staleSources.has(group.files[0]!)) continue
    const standing = standInsOf(record, (source) => {
      const found = owner.get(sourceId(source))
      return found === group || found === undefined
    })
    if (standing.length > 0) for (const name of group.files) restored.set(name, standing)
  }
  const needsSources = read.filter((name) => parseDataFileName(name)?.kind === 'group' && !groups.has(groupOf(name)!) && !sourcesOf?.has(name))
  return { read, staleSources, restored, unfinished, inFlight, consumed: [...consumed].sort(), live, dead, needsSources }
}

/** Each event id the run kept one copy of, with the first source it stood in for whose rows still come from the run's files. */
function standInsOf(record: CompactionRecord, current: (source: string) => boolean): { eventId: string; as: string }[] {
  const standing: { eventId: string; as: string }[] = []
  for (const [eventId, sources] of Object.entries(record.standIns ?? {})) {
    const as = sources.find(current)
    if (as !== undefined) standing.push({ eventId, as })
  }
  return standing
}

/**
 * Compaction and roll-up runs hold the partition's lease, so one found `writing` under the lease has died.
 * A batch holds none (it deletes nothing): its `writing` record is left alone until it is clearly abandoned.
 */
function batchStillWriting(record: CompactionRecord, now: number): boolean {
  const started = Date.parse(record.startedAt)
  return record.inputs.length === 0 && Number.isFinite(started) && now - started < ABANDONED_BATCH_MS
}

/**
 * Whether a partition's records matter to a reader at all: only where multi-source files sit beside other
 * files that may hold some of the same sources. Batches of different source folders (their names say so)
 * never do: a bulk run leaves two in every partition that a delivery day's late events reach, and reading
 * their records was most of a query's start-up on such a lake. A batch still writing is then read like a
 * lone one (as every lone group is): its rows are in no other file until its archives run again, in a
 * batch of the same folder, which brings the records back into play.
 */
export function mayOverlap(names: Iterable<string>): boolean {
  let parts = 0
  const groups = new Map<string, string | undefined>()
  for (const name of names) {
    const parsed = parseDataFileName(name)
    if (parsed?.kind === 'part') parts++
    else if (parsed?.kind === 'group') groups.set(parsed.group, parsed.sourceFolder)
  }
  if (groups.size === 0) return false
  if (parts > 0) return true
  if (groups.size === 1) return false
  const folders = [...groups.values()]
  return folders.includes(undefined) || new Set(folders).size < folders.length
}

function groupsOf(
  read: readonly string[],
  files: PartitionListing['files'],
  live: readonly CompactionRecord[],
  sourcesOf: PartitionListing['sourcesOf'],
): Map<string, Group> {
  const groups = new Map<string, Group>()
  for (const record of live) {
    const claims = new Set(record.sources.map(sourceId))
    for (const input of record.inputs) {
      const parsed = parseDataFileName(fileNameOf(input.key))
      if (parsed?.kind === 'part') claims.add(parsed.sourceId)
    }
    const age = Date.parse(record.finishedAt ?? record.startedAt)
    groups.set(record.id, {
      id: record.id,
      files: record.outputs.map((o) => fileNameOf(o.key)),
      claims,
      sources: record.sources,
      age: Number.isNaN(age) ? 0 : age,
    })
  }
  for (const name of read) {
    const group = groupOf(name)
    const sources = sourcesOf?.get(name)
    if (group === undefined || !sources || live.some((r) => r.id === group)) continue
    const found = groups.get(group) ?? { id: group, files: [], claims: new Set<string>(), sources: [], age: 0 }
    found.files.push(name)
    found.sources = [...new Set([...found.sources, ...sources])]
    for (const source of sources) found.claims.add(sourceId(source))
    found.age = Math.max(found.age, files.get(name)?.lastModified ?? 0)
    groups.set(group, found)
  }
  return groups
}

function groupOf(name: string): string | undefined {
  const parsed = parseDataFileName(name)
  return parsed?.kind === 'group' ? parsed.group : undefined
}

/** Newest first; the same age falls back to the larger id, so every reader picks the same owner. */
function newestFirst(a: Group, b: Group): number {
  return b.age - a.age || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}
