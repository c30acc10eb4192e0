import type { FcBackfillDeps } from '../fc/backfill-deps.js'
import type { Checkpoint } from './checkpoint.js'
import type { DayTally } from './day-tally.js'
import { emptyResult, type FcBackfillResult, tallied } from './fc-result.js'
import type { DayWindow } from './window.js'

/** One invocation's part of an FC backfill of a window: where it stands and what it listed. */
export interface WindowRun {
  deps: FcBackfillDeps
  window: DayWindow
  /** Source key prefix before `AliyunLogs/`. */
  prefix: string
  /** The checkpoint's key. */
  key: string
  checkpoint: Checkpoint
  tally: DayTally
  /** The one time-budget stop rule for listing and dispatching days. */
  stopListing: () => boolean
}

/** The answer of this invocation: the window, its checkpoint, the days' counts, then `fields`. */
export function windowAnswer(run: WindowRun, fields: Partial<FcBackfillResult> & Pick<FcBackfillResult, 'status'>): FcBackfillResult {
  return { ...emptyResult(fields.status), window: run.window, checkpoint: run.key, ...tallied(run.tally), ...fields }
}
