import { getHeapStatistics } from 'node:v8'
import { writeCatalog } from '../../catalog/write-catalog.js'
import { DeadLetterReplay } from '../../dead-letter-replay.js'
import { UsageError } from '../../errors.js'
import { planRun, processPlannedArchives } from '../../parallel/auto.js'
import { createPipeline } from '../../pipeline-from-config.js'
import { listQuarantine } from '../../quarantine.js'
import type { Outcome } from '../../run-archives.js'
import { listArchiveTree } from '../../source/list-archives.js'
import { type Location, locationOpener } from '../../storage/open.js'
import { type Command, EXIT } from '../command.js'
import { configFromFlags, runFlags } from '../flags.js'
import { outcomeLine, summaryLines } from '../report.js'

/** What `ccc-trail process` does; its name, summary and options are in ./index.ts, which loads this on use. */
export const action: Pick<Command, 'run'> = {
  async run(input) {
    const config = configFromFlags(input)
    if (!config.source) throw new UsageError('--source is required (a folder or oss://bucket/prefix)')
    const open = locationOpener(config.oss)
    const source = open(config.source)
    const dest = open(config.dest)
    const pipeline = createPipeline(config, source, dest, input.log)
    const replay = Boolean(input.values['replay-quarantine'])
    const letters = input.values['replay-dead-letters'] ? new DeadLetterReplay(source, dest, input.log) : undefined
    if (letters && (replay || input.positionals.length > 0)) throw new UsageError('--replay-dead-letters takes no keys and no --replay-quarantine')
    const keys = replay
      ? quarantinedKeys(dest)
      : letters
        ? letters.keys()
        : input.positionals.length
          ? input.positionals.map((k) => (k.startsWith(source.prefix) ? k : source.prefix + k))
          : archiveKeys(source)
    const show = input.values.json ? (o: Outcome) => input.out(JSON.stringify(o)) : (o: Outcome) => input.out(outcomeLine(o))
    const print = (o: Outcome) => {
      letters?.record(o)
      show(o)
    }
    const spec = { config, source: source.spec, dest: dest.spec }
    const flags = runFlags(input)
    const plan = await planRun(keys, flags)
    // Archives converted in this thread need its heap sized for MEMORY_LIMIT_MB: only now is it known.
    if (plan.workers <= 1 && !plan.empty && input.relaunchWithHeap) return input.relaunchWithHeap()
    input.log.debug('converting', { workers: plan.workers, heapLimitMB: Math.round(getHeapStatistics().heap_size_limit / (1024 * 1024)) })
    // The catalog is written while the archives convert (it is small, and the main thread mostly waits).
    const catalog = writeCatalog(dest.storage, dest.prefix).then(
      () => undefined,
      (error: unknown) => error,
    )
    const summary = await processPlannedArchives(pipeline, spec, plan, { ...flags, force: Boolean(input.values.force) || replay, onOutcome: print })
    const catalogError = await catalog
    if (catalogError) throw catalogError
    if (letters) {
      const { replayed, kept } = await letters.finish()
      input.out(
        input.values.json ? JSON.stringify({ deadLetters: { replayed, kept } }) : `dead letters: ${replayed} replayed, ${kept} kept for the next replay`,
      )
    }
    if (input.values.json) input.out(JSON.stringify({ summary }))
    else for (const line of summaryLines(summary)) input.out(line)
    return summary.failed > 0 ? EXIT.failed : EXIT.ok
  },
}

/** Every object under the trail; the pipeline skips (and counts) the ones that are not archives. */
async function* archiveKeys(source: Location): AsyncGenerator<string> {
  for await (const listed of listArchiveTree(source.storage, source.prefix)) yield listed.key
}

async function* quarantinedKeys(dest: Location): AsyncGenerator<string> {
  const seen = new Set<string>()
  for await (const { record } of listQuarantine(dest.storage, dest.prefix)) {
    if (!seen.has(record.source)) {
      seen.add(record.source)
      yield record.source
    }
  }
}
