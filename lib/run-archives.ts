import { errorMessage, isRetryable } from './errors.js'
import type { Counts } from './ledger/manifest.js'
import { type ArchiveResult, type Pipeline, processArchive } from './pipeline.js'
import { forEachLimit } from './util/concurrency.js'
import { addTotals } from './util/totals.js'

export interface FailedArchive {
  key: string
  status: 'failed'
  retryable: boolean
  message: string
}

export type Outcome = ArchiveResult | FailedArchive

export interface RunSummary {
  archives: number
  written: number
  alreadyDone: number
  quarantined: number
  skipped: number
  failed: number
  counts: Counts
  bytesIn: number
  bytesOut: number
  millis: number
}

export interface RunOptions {
  concurrency?: number
  force?: boolean
  onOutcome?: (outcome: Outcome) => void
  /** Checked before each archive starts; when it returns true no new archive starts. */
  stopRequested?: () => boolean
}

/** Processes archives with bounded concurrency; one archive's failure does not stop the others. */
export async function processArchives(pipeline: Pipeline, keys: Iterable<string> | AsyncIterable<string>, options: RunOptions = {}): Promise<RunSummary> {
  const summary = emptySummary()
  const started = Date.now()
  await forEachLimit(
    keys,
    options.concurrency ?? 4,
    async (key) => {
      const outcome = await processOne(pipeline, key, options.force)
      addOutcome(summary, outcome)
      options.onOutcome?.(outcome)
    },
    options.stopRequested,
  )
  summary.millis = Date.now() - started
  return summary
}

async function processOne(pipeline: Pipeline, key: string, force?: boolean): Promise<Outcome> {
  try {
    return await processArchive(pipeline, key, { force })
  } catch (error) {
    pipeline.log.error(`archive failed: ${errorMessage(error)}`, { source: key, retryable: isRetryable(error) })
    return { key, status: 'failed', retryable: isRetryable(error), message: errorMessage(error) }
  }
}

export function emptySummary(): RunSummary {
  return {
    archives: 0,
    written: 0,
    alreadyDone: 0,
    quarantined: 0,
    skipped: 0,
    failed: 0,
    counts: { events: 0, rows: 0, nonCcc: 0, quarantined: 0 },
    bytesIn: 0,
    bytesOut: 0,
    millis: 0,
  }
}

export function addOutcome(summary: RunSummary, outcome: Outcome): void {
  summary.archives++
  if (outcome.status === 'failed') {
    summary.failed++
    return
  }
  if (outcome.status === 'written') summary.written++
  else if (outcome.status === 'already_done') summary.alreadyDone++
  else if (outcome.status === 'quarantined') summary.quarantined++
  else summary.skipped++
  addTotals(summary.counts, outcome.counts)
  summary.bytesIn += outcome.bytesIn
  summary.bytesOut += outcome.bytesOut
}
