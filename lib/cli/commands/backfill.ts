import { ProgressReporter } from '../../backfill/progress.js'
import { backfillSummaryLines } from '../../backfill/report.js'
import { runBackfill } from '../../backfill/run-backfill.js'
import { SIGNAL_EXIT, stopOnSignals } from '../../backfill/stop-signals.js'
import { resolveWindow } from '../../backfill/window.js'
import { UsageError, WindowError } from '../../errors.js'
import { normalizePrefix } from '../../location.js'
import { processArchivesAuto } from '../../parallel/auto.js'
import { createPipeline } from '../../pipeline-from-config.js'
import type { Outcome } from '../../run-archives.js'
import { locationOpener } from '../../storage/open.js'
import { type Command, type CommandInput, EXIT } from '../command.js'
import { configFromFlags, runFlags } from '../flags.js'
import { outcomeLine } from '../report.js'

/** What `ccc-trail backfill` does; its name, summary and options are in ./index.ts, which loads this on use. */
export const action: Pick<Command, 'run'> = {
  async run(input) {
    const config = configFromFlags(input)
    if (!config.source) throw new UsageError('--source is required (a folder or oss://bucket/prefix)')
    const window = windowFromFlags(input)
    const open = locationOpener(config.oss)
    const source = open(config.source)
    const dest = open(config.dest)
    const pipeline = createPipeline(config, source, dest, input.log)
    const spec = { config, source: source.spec, dest: dest.spec }
    const sourcePrefix = typeof input.values.prefix === 'string' ? normalizePrefix(input.values.prefix) : source.prefix
    const progress = new ProgressReporter({
      write: (text) => process.stderr.write(text),
      tty: Boolean(process.stderr.isTTY),
      intervalMs: progressInterval(input),
    })
    const stop = stopOnSignals((signal) => progress.note(`${signal}: finishing the archives in flight, starting no new ones (send it again to quit at once)`))
    try {
      const summary = await runBackfill(pipeline, {
        sourcePrefix,
        window,
        force: Boolean(input.values.force),
        stopRequested: stop.requested,
        runArchives: (keys, options) => processArchivesAuto(pipeline, spec, keys, { ...options, ...runFlags(input) }),
        onPlanned: (plan) => {
          progress.note(`listed ${plan.days} days: ${plan.listed} archives, ${plan.done} done, ${plan.pending.length} to process`)
          progress.start(plan.pending.length)
        },
        onOutcome: (outcome) => {
          progress.record(outcome)
          if (isNoteworthy(outcome)) progress.note(outcomeLine(outcome))
        },
      })
      progress.finish()
      if (input.values.json) input.out(JSON.stringify(summary))
      else for (const line of backfillSummaryLines(summary)) input.out(line)
      if (stop.signal && summary.stopped) return SIGNAL_EXIT[stop.signal]
      return summary.run.failed > 0 ? EXIT.failed : EXIT.ok
    } finally {
      stop.dispose()
    }
  },
}

function windowFromFlags(input: CommandInput) {
  const from = typeof input.values.from === 'string' ? input.values.from : undefined
  const to = typeof input.values.to === 'string' ? input.values.to : undefined
  try {
    return resolveWindow({ from, to }, new Date())
  } catch (error) {
    if (error instanceof WindowError) throw new UsageError(`--from/--to: ${error.message}`)
    throw error
  }
}

function progressInterval(input: CommandInput): number {
  const value = input.values['progress-interval']
  if (value === undefined) return 5000
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--progress-interval must be a positive number of seconds, got "${value}"`)
  return seconds * 1000
}

function isNoteworthy(outcome: Outcome): boolean {
  return outcome.status === 'failed' || outcome.status === 'quarantined'
}
