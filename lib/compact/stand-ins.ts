import { fileNameOf, parseDataFileName, sourceId } from '../layout.js'
import type { CompactionRecord } from '../ledger/compaction-records.js'
import { EVENT_ID_INDEX, SOURCE_OBJECT_INDEX, type Value } from '../schema/columns.js'
import type { DataFile } from './partitions.js'

/**
 * Copies of one event in several archives (ActionTrail delivers some events twice). Compaction keeps one
 * row per event_id, from one source; the kept row then *stands in* for the dropped copies, and the
 * record remembers which sources it stands in for (`standIns`: event id -> sources). When the kept
 * source is later superseded (a new version of that archive, which may no longer hold the event), its
 * row would vanish with it although another archive still holds the event: a later compaction instead
 * keeps it, relabelled to one of the sources it stood in for that is still current (no part file of a
 * newer version among the inputs). Stand-ins carry over from compaction to compaction.
 */
export class StandIns {
  private readonly earlier = new Map<string, Set<string>>()
  private readonly now = new Map<string, Set<string>>()
  private readonly replacedIds: Set<string>

  constructor(records: readonly CompactionRecord[], files: readonly DataFile[]) {
    for (const record of records) for (const [id, sources] of Object.entries(record.standIns ?? {})) for (const source of sources) add(this.earlier, id, source)
    this.replacedIds = new Set(
      files.flatMap((file) => {
        const parsed = parseDataFileName(fileNameOf(file.key))
        return parsed?.kind === 'part' ? [parsed.sourceId] : []
      }),
    )
  }

  /** A source whose rows this compaction reads from compacted files: no part file (a newer version, a rerun, a tombstone) replaces them. */
  private current(source: string): boolean {
    return !this.replacedIds.has(sourceId(source))
  }

  /** A row whose source is superseded: the same row under a source it stood in for that still holds the event, or undefined (dropped). */
  restore(row: Value[]): Value[] | undefined {
    const id = row[EVENT_ID_INDEX]
    if (typeof id !== 'string') return undefined
    for (const source of this.earlier.get(id) ?? []) {
      if (source !== row[SOURCE_OBJECT_INDEX] && this.current(source)) {
        const restored = [...row]
        restored[SOURCE_OBJECT_INDEX] = source
        return restored
      }
    }
    return undefined
  }

  /** The row kept for its event id: it goes on standing in for the earlier dropped copies still current. */
  kept(id: string, source: string): void {
    for (const earlier of this.earlier.get(id) ?? []) if (earlier !== source && this.current(earlier)) add(this.now, id, earlier)
  }

  /**
   * A copy dropped as a duplicate of the row kept for `id`. Its source differs from the kept row's: one
   * source's rows come from one place only, and an archive holds an event id once.
   */
  dropped(id: string, source: string): void {
    add(this.now, id, source)
  }

  /** For the record: event id -> sources, sorted, only events with any. */
  toRecord(): Record<string, string[]> | undefined {
    if (this.now.size === 0) return undefined
    return Object.fromEntries([...this.now].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, sources]) => [id, [...sources].sort()]))
  }
}

function add(map: Map<string, Set<string>>, id: string, source: string): void {
  const set = map.get(id) ?? new Set<string>()
  set.add(source)
  map.set(id, set)
}
