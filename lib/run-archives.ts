import { batchesOf } from './batch/batches.js'
import { type Outcome, processAlone, processBatch } from './batch/convert-batch.js'
import type { Counts } from './ledger/manifest.js'
import type { Pipeline } from './pipeline.js'
import { forEachLimit } from './util/concurrency.js'
import { addTotals } from './util/totals.js'

export type { FailedArchive, Outcome } from './batch/convert-batch.js'

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
  /** Checked before each batch (and each archive converted alone) starts; when it returns true no new one starts. */
  stopRequested?: () => boolean
  /** One archive at a time into its own part files, as the trigger does, instead of batches (docs/design.md, "Batches"). */
  perArchive?: boolean
}

/**
 * Processes archives in batches (batch/batches.ts: consecutive keys of one day folder), each converted
 * into one file per partition (batch/convert-batch.ts); one archive's failure does not stop the others.
 */
export async function processArchives(pipeline: Pipeline, keys: Iterable<string> | AsyncIterable<string>, options: RunOptions = {}): Promise<RunSummary> {
  const summary = emptySummary()
  const started = Date.now()
  const onOutcome = (outcome: Outcome) => {
    addOutcome(summary, outcome)
    options.onOutcome?.(outcome)
  }
  if (options.perArchive) {
    await forEachLimit(keys, options.concurrency ?? 4, async (key) => onOutcome(await processAlone(pipeline, key, options.force)), options.stopRequested)
  } else {
    for await (const batch of batchesOf(keys)) {
      if (options.stopRequested?.()) break
      await processBatch(pipeline, batch, { force: options.force, concurrency: options.concurrency, onOutcome, stopRequested: options.stopRequested })
    }
  }
  summary.millis = Date.now() - started
  return summary
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
