import { findTrailRoots, listDayFolder } from './backfill/list-window.js'
import { daysOf, resolveWindow } from './backfill/window.js'
import { type DeadLetter, replayOf } from './dead-letters.js'
import { WindowError } from './errors.js'
import { DEAD_LETTER_DIR } from './layout.js'
import { normalizePrefix } from './location.js'
import type { Logger } from './log.js'
import type { Outcome } from './run-archives.js'
import { listObjects } from './storage/list.js'
import type { Location } from './storage/open.js'
import { readJson } from './storage/read.js'
import type { Storage } from './storage/types.js'

interface Pending {
  key: string
  letter: DeadLetter
  archives: string[]
}

/**
 * `process --replay-dead-letters`: the archives every dead letter not yet replayed asks for (the keys of
 * an OSS event or a worker batch; the archives of a backfill window's days), then each dead letter whose
 * archives all finished is marked `replayedAt` in place. Nothing is deleted: the record stays for the
 * operator, and a failed archive leaves its letter to the next replay.
 */
export class DeadLetterReplay {
  readonly #pending: Pending[] = []
  readonly #failed = new Set<string>()

  constructor(
    private readonly source: Location,
    private readonly dest: Location,
    private readonly log: Logger,
  ) {}

  async *keys(): AsyncGenerator<string> {
    const seen = new Set<string>()
    for await (const { key, letter } of listDeadLetters(this.dest.storage, this.dest.prefix)) {
      if (letter.replayedAt) continue
      const archives = await this.#archivesOf(key, letter)
      if (archives === undefined) continue
      this.#pending.push({ key, letter, archives })
      for (const archive of archives) {
        if (seen.has(archive)) continue
        seen.add(archive)
        yield archive
      }
    }
  }

  /** Call with every outcome of the run. */
  record(outcome: Outcome): void {
    if (outcome.status === 'failed') this.#failed.add(outcome.key)
  }

  /** Marks the dead letters whose archives all finished; the others stay for the next replay. */
  async finish(now = new Date()): Promise<{ replayed: number; kept: number }> {
    let replayed = 0
    for (const { key, letter, archives } of this.#pending) {
      if (archives.some((archive) => this.#failed.has(archive))) continue
      await this.dest.storage.put(key, JSON.stringify({ ...letter, replayedAt: now.toISOString() }, null, 2) + '\n')
      replayed++
    }
    return { replayed, kept: this.#pending.length - replayed }
  }

  async #archivesOf(key: string, letter: DeadLetter): Promise<string[] | undefined> {
    const replay = replayOf(letter)
    if (replay.kind === 'unknown') {
      this.log.warn(`dead letter not replayable: ${replay.reason}`, { deadLetter: key })
      return undefined
    }
    const prefix = this.source.prefix
    if (replay.kind === 'archives') return replay.keys.map((k) => (k.startsWith(prefix) ? k : prefix + k))
    let days: string[]
    try {
      days = daysOf(resolveWindow(replay, new Date(replay.failedAt)))
    } catch (error) {
      if (!(error instanceof WindowError)) throw error
      this.log.warn(`dead letter not replayable: ${error.message}`, { deadLetter: key })
      return undefined
    }
    const roots = await findTrailRoots(this.source.storage, replay.prefix !== undefined ? normalizePrefix(replay.prefix) : prefix)
    const archives: string[] = []
    for (const day of days) for (const root of roots) for (const object of await listDayFolder(this.source.storage, root, day)) archives.push(object.key)
    return archives
  }
}

export async function* listDeadLetters(dest: Storage, destPrefix: string): AsyncGenerator<{ key: string; letter: DeadLetter }> {
  for await (const object of listObjects(dest, destPrefix + DEAD_LETTER_DIR)) {
    if (object.key.endsWith('.json')) yield { key: object.key, letter: await readJson<DeadLetter>(dest, object.key) }
  }
}
