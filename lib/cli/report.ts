import type { Outcome, RunSummary } from '../run-archives.js'

/** One line per archive, aligned for reading in a terminal. */
export function outcomeLine(outcome: Outcome): string {
  if (outcome.status === 'failed') return `${'FAILED'.padEnd(12)} ${outcome.key}  ${outcome.retryable ? '(retryable) ' : ''}${outcome.message}`
  const { counts } = outcome
  const base = `${outcome.status.padEnd(12)} ${outcome.key}`
  if (outcome.status === 'skipped' || outcome.status === 'missing' || outcome.status === 'already_done')
    return base + (outcome.reason ? `  (${outcome.reason})` : '')
  const figures = `events ${counts.events}  rows ${counts.rows}  non-CCC ${counts.nonCcc}  quarantined ${counts.quarantined}  files ${outcome.files}`
  return `${base}  ${figures}${outcome.status === 'quarantined' ? `  reason ${outcome.reason}: ${outcome.message}` : ''}`
}

export function summaryLines(summary: RunSummary): string[] {
  const seconds = summary.millis / 1000
  const rate = seconds > 0 ? Math.round(summary.counts.events / seconds) : 0
  return [
    `archives ${summary.archives}: written ${summary.written}, already done ${summary.alreadyDone}, quarantined ${summary.quarantined}, skipped ${summary.skipped}, failed ${summary.failed}`,
    `events ${summary.counts.events} = rows ${summary.counts.rows} + non-CCC ${summary.counts.nonCcc} + quarantined ${summary.counts.quarantined}`,
    `read ${mb(summary.bytesIn)} MB, wrote ${mb(summary.bytesOut)} MB in ${seconds.toFixed(1)} s (${rate} events/s)`,
  ]
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1)
}
