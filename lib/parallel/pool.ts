import { availableParallelism } from 'node:os'
import { batchesOf, shareOut } from '../batch/batches.js'
import type { Config } from '../config.js'
import type { LocationSpec } from '../location.js'
import { type Logger, silentLogger } from '../log.js'
import { addOutcome, emptySummary, type Outcome, type RunOptions, type RunSummary } from '../run-archives.js'
import type { OssCredentials } from '../storage/oss.js'
import type { WorkerSpec } from './protocol.js'
import { WorkerPool } from './worker-pool.js'

/** What the workers build their pipelines from (see WorkerSpec). */
export interface PoolSpec {
  config: Config
  source: LocationSpec
  dest: LocationSpec
  credentials?: OssCredentials
  encoderModule?: string
}

export interface ParallelOptions extends Omit<RunOptions, 'concurrency'> {
  /** Worker threads; default: one per core. */
  workers?: number
  /** Archives a worker opens (and converts alone) at once within its batch; default 2. */
  concurrencyPerWorker?: number
  /** Receives the workers' log lines. */
  log?: Logger
}

/**
 * processArchives across worker threads: the same outcomes and summary, with each worker
 * running its own pipeline. Whole batches (a day folder) go to the workers; MEMORY_LIMIT_MB is shared out among them.
 */
export async function processArchivesParallel(
  spec: PoolSpec,
  keys: Iterable<string> | AsyncIterable<string>,
  options: ParallelOptions = {},
): Promise<RunSummary> {
  const started = Date.now()
  const summary = emptySummary()
  const workers = Math.max(1, Math.floor(options.workers ?? availableParallelism()))
  const workerSpec: WorkerSpec = {
    ...spec,
    config: { ...spec.config, memoryLimitBytes: Math.floor(spec.config.memoryLimitBytes / workers) },
    concurrency: Math.max(1, Math.floor(options.concurrencyPerWorker ?? 2)),
    force: Boolean(options.force),
  }
  const onOutcome = (outcome: Outcome) => {
    addOutcome(summary, outcome)
    options.onOutcome?.(outcome)
  }
  const pool = new WorkerPool(workerSpec, workers, { onOutcome, log: options.log ?? silentLogger })
  try {
    await pool.start()
    const batches = batchesOf(keys)
    // Two batches per worker read ahead (a short run is then read whole before the first is sent); once
    // the keys run out, what is left is shared out evenly, one share per worker, so that no worker idles
    // while another converts the last whole day.
    let queue: string[][] = []
    let exhausted = false
    for (;;) {
      await pool.waitForSlot()
      if (options.stopRequested?.()) break
      while (!exhausted && queue.length <= 2 * workers) {
        const next = await batches.next()
        if (next.done) {
          exhausted = true
          queue = shareOut(queue, workers)
        } else queue.push(next.value)
      }
      const batch = queue.shift()
      if (!batch) break
      pool.dispatch(batch)
    }
    await pool.drain()
  } finally {
    await pool.close()
  }
  summary.millis = Date.now() - started
  return summary
}
