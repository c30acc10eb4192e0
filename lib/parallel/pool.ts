import { availableParallelism } from 'node:os'
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
  /** Archives in flight per worker; default 2 (one decoding while the other writes). */
  concurrencyPerWorker?: number
  /** Receives the workers' log lines. */
  log?: Logger
}

/**
 * processArchives across worker threads: the same outcomes and summary, with each worker
 * running its own pipeline. MEMORY_LIMIT_MB is shared out among the workers.
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
    const iterator = iteratorOf(keys)
    for (;;) {
      await pool.waitForSlot()
      if (options.stopRequested?.()) break
      const next = await iterator.next()
      if (next.done) break
      pool.dispatch(next.value)
    }
    await pool.drain()
  } finally {
    await pool.close()
  }
  summary.millis = Date.now() - started
  return summary
}

function iteratorOf<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> | Iterator<T> {
  return Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]()
}
