import type { DayPlan } from './plan.js'

/** What the delivery days listed so far hold: counted the same way by the CLI backfill and the FC one. */
export class DayTally {
  days = 0
  /** Archives found. */
  listed = 0
  /** Archives skipped as done (a manifest for their etag exists). */
  done = 0
  /** Archives still to process. */
  pending = 0

  add(day: DayPlan): void {
    this.days++
    this.listed += day.listed
    this.done += day.done
    this.pending += day.pending.length
  }
}
