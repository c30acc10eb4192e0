import { type BackfillStats, emptyStats } from './checkpoint.js'
import type { DayTally } from './day-tally.js'
import type { DayWindow } from './window.js'

/** What one invocation of the FC backfill answers. */
export interface FcBackfillResult {
  status: 'done' | 'continued' | 'invalid' | 'abandoned'
  mode?: 'inline' | 'fanout' | 'batch' | 'verify'
  /** The worker function a `verifyFanout` request invoked. */
  worker?: string
  window?: DayWindow
  error?: string
  checkpoint?: string
  /** Where the continuation starts (status `continued`). */
  nextDay?: string
  listed: number
  skippedDone: number
  pending: number
  stats: BackfillStats
}

/** An answer with nothing listed or processed. */
export function emptyResult(status: FcBackfillResult['status']): FcBackfillResult {
  return { listed: 0, skippedDone: 0, pending: 0, stats: emptyStats(), status }
}

/** The counts of an answer from the days this invocation listed. */
export function tallied(tally: DayTally): Pick<FcBackfillResult, 'listed' | 'skippedDone' | 'pending'> {
  return { listed: tally.listed, skippedDone: tally.done, pending: tally.pending }
}
