import { createHash } from 'node:crypto'
import { NotFoundError } from '../errors.js'
import { CHECKPOINT_DIR } from '../layout.js'
import type { RunSummary } from '../run-archives.js'
import { readJson } from '../storage/read.js'
import type { Storage } from '../storage/types.js'
import type { DayWindow } from './window.js'

/** Totals over every invocation of one FC backfill (each archive is counted once, when it finishes). */
export interface BackfillStats {
  written: number
  quarantined: number
  failed: number
  events: number
  rows: number
  /** Fanned-out batches and the archives in them. */
  batches: number
  dispatched: number
}

/**
 * Where a backfill that outlives one FC invocation stands: every delivery day before `nextDay` is
 * done (inline) or handed to workers (fan-out). The manifests stay the record of what is done; the
 * checkpoint only saves the next invocation from walking those days again.
 */
export interface Checkpoint {
  version: 1
  window: DayWindow
  /** Source key prefix before `AliyunLogs/`. */
  prefix: string
  status: 'running' | 'done'
  /** First delivery day still to list; absent when the window is finished. */
  nextDay?: string
  invocations: number
  mode?: 'inline' | 'fanout'
  stats: BackfillStats
  startedAt: string
  updatedAt: string
}

export function emptyStats(): BackfillStats {
  return { written: 0, quarantined: 0, failed: 0, events: 0, rows: 0, batches: 0, dispatched: 0 }
}

/** The stats of one run of archives (no batches dispatched). */
export function statsOfRun(run: RunSummary): BackfillStats {
  return { written: run.written, quarantined: run.quarantined, failed: run.failed, events: run.counts.events, rows: run.counts.rows, batches: 0, dispatched: 0 }
}

export function newCheckpoint(window: DayWindow, prefix: string, now: Date): Checkpoint {
  const time = now.toISOString()
  return { version: 1, window, prefix, status: 'running', nextDay: window.from, invocations: 0, stats: emptyStats(), startedAt: time, updatedAt: time }
}

/** `<dest>_ccc_trail/checkpoints/backfill-<from>_<to>[-<prefix hash>].json`: one per window and source prefix. */
export function checkpointKey(destPrefix: string, window: DayWindow, prefix: string): string {
  const scope = prefix ? `-${createHash('sha1').update(prefix).digest('hex').slice(0, 8)}` : ''
  return `${destPrefix}${CHECKPOINT_DIR}backfill-${window.from}_${window.to}${scope}.json`
}

export async function saveCheckpoint(dest: Storage, key: string, checkpoint: Checkpoint): Promise<void> {
  await dest.put(key, JSON.stringify(checkpoint, null, 1))
}

export async function loadCheckpoint(dest: Storage, key: string): Promise<Checkpoint | undefined> {
  try {
    return await readJson<Checkpoint>(dest, key)
  } catch (error) {
    if (error instanceof NotFoundError) return undefined
    throw error
  }
}
