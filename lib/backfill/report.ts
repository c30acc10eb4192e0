import { duration } from './progress.js'
import type { BackfillSummary } from './run-backfill.js'

/** The end-of-run summary a person reads: what was found, what was done, what is left. */
export function backfillSummaryLines(summary: BackfillSummary): string[] {
  const { plan, run, window } = summary
  const runSeconds = run.millis / 1000
  const processed = run.written + run.quarantined
  const lines = [
    `window ${window.from}..${window.to} (${plan.days} day${plan.days === 1 ? '' : 's'} of delivery folders): ${plan.listed} archives listed, ${plan.done} skipped as done, ${plan.pending} to process (${mb(plan.pendingBytes)} MB)` +
      (plan.others.length ? `, ${plan.others.length} other objects ignored` : ''),
    `processed ${processed}: written ${run.written}, quarantined ${run.quarantined}, failed ${run.failed}` +
      (run.alreadyDone ? `, done meanwhile by another run ${run.alreadyDone}` : '') +
      (run.skipped ? `, skipped ${run.skipped}` : ''),
    `events ${run.counts.events} = rows written ${run.counts.rows} + non-CCC ${run.counts.nonCcc} + quarantined ${run.counts.quarantined}`,
    `time ${duration(summary.millis)} (listing ${(plan.millis / 1000).toFixed(1)} s): ${rate(processed + run.failed, runSeconds)} archives/s, ${rate(run.counts.events, runSeconds)} events/s, read ${mb(run.bytesIn)} MB, wrote ${mb(run.bytesOut)} MB`,
  ]
  if (summary.stopped) {
    const left = plan.pending - run.archives
    lines.push(
      `stopped early: ${left} archive${left === 1 ? '' : 's'} not started${plan.complete ? '' : ' and the listing was cut short'}; run the same command again to resume`,
    )
  } else if (run.failed > 0) lines.push(`${run.failed} archive${run.failed === 1 ? '' : 's'} failed; run the same command again to retry them`)
  return lines
}

function rate(count: number, seconds: number): string {
  return seconds > 0 ? String(Math.round(count / seconds)) : '0'
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1)
}
