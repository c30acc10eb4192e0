import { availableParallelism } from 'node:os'
import type { Logger } from '../log.js'
import type { Pipeline } from '../pipeline.js'
import { processArchives, type RunOptions, type RunSummary } from '../run-archives.js'
import { classifyKey } from '../source/archive-key.js'
import { type PoolSpec, processArchivesParallel } from './pool.js'

/** Up to this many archives run in-process: starting worker threads would cost more than it saves. */
export const FEW_ARCHIVES = 3
/**
 * Below this mean size (gzip bytes) archives stay in-process unless there are MANY_SMALL_ARCHIVES of
 * them: a few small archives are little work, and starting threads would cost more than it saves.
 */
export const SMALL_ARCHIVE_BYTES = 64 * 1024
/**
 * From this many archives, small ones go to worker threads too. Since a batch writes one file per
 * partition (not one per archive), a run of small archives is CPU work that two threads share well
 * (2 cores, `ccc-trail process`: 5,100 archives of 4 events, 11.2 s on 2 workers vs 14.9 s in-process;
 * 864 archives of 300 events, see docs/performance.md); below a few hundred the threads' start-up
 * (~0.3 s each) would eat the gain. Before batches, in-process won (19 s vs 38 s on 2 workers).
 */
export const MANY_SMALL_ARCHIVES = 200

export interface AutoRunOptions extends RunOptions {
  /** Worker threads; 1 = in-process. Default: one per core for more than FEW_ARCHIVES archives that are not small on average, or MANY_SMALL_ARCHIVES of any size. */
  workers?: number
  log?: Logger
}

export interface RunChoice {
  workers: number
  /** In-process only: archives in flight at once, which share MEMORY_LIMIT_MB. */
  archivesAtOnce: number
}

/**
 * Where archives run, from the first few keys. Only speed decides: memory is bounded either way by
 * what an archive buffers (memory-plan.ts), so a big archive needs no worker; in-process the
 * archives in flight share the bound, as workers do.
 */
export function chooseRun(head: readonly string[], concurrency: number, requestedWorkers: number | undefined, cores: number): RunChoice {
  const workers = requestedWorkers ?? workerCount(head, cores)
  const archivesAtOnce = Math.max(1, Math.min(concurrency, head.length > FEW_ARCHIVES ? concurrency : head.length))
  return { workers, archivesAtOnce }
}

/**
 * Processes archives in-process (with `pipeline`) or across worker threads (each building its own
 * pipeline from `spec`), whichever suits; `concurrency` is the total archives in flight either way.
 */
export async function processArchivesAuto(
  pipeline: Pipeline,
  spec: PoolSpec,
  keys: Iterable<string> | AsyncIterable<string>,
  options: AutoRunOptions = {},
): Promise<RunSummary> {
  return processPlannedArchives(pipeline, spec, await planRun(keys, options), options)
}

/** processArchivesAuto for a run already planned (planRun): where archives run is decided once. */
export function processPlannedArchives(pipeline: Pipeline, spec: PoolSpec, plan: RunPlan, options: AutoRunOptions = {}): Promise<RunSummary> {
  const { workers, archivesAtOnce, keys: all } = plan
  const concurrency = options.concurrency ?? 4
  if (workers <= 1) {
    const shared = { ...pipeline, options: { ...pipeline.options, memoryLimitBytes: Math.floor(pipeline.options.memoryLimitBytes / archivesAtOnce) } }
    return processArchives(shared, all, options)
  }
  return processArchivesParallel(spec, all, { ...options, workers, concurrencyPerWorker: Math.ceil(concurrency / workers), log: options.log ?? pipeline.log })
}

export interface RunPlan extends RunChoice {
  /** The same keys, the first few of which were read to choose. */
  keys: AsyncIterable<string>
  /** No keys at all. */
  empty: boolean
}

/** chooseRun over the first keys of `keys`, for a caller that must know before the run starts (the CLI's heap). */
export async function planRun(keys: Iterable<string> | AsyncIterable<string>, options: Pick<AutoRunOptions, 'concurrency' | 'workers'> = {}): Promise<RunPlan> {
  const { head, rest } = await peek(keys, MANY_SMALL_ARCHIVES)
  return { ...chooseRun(head, options.concurrency ?? 4, options.workers, availableParallelism()), keys: concat(head, rest), empty: head.length === 0 }
}

/**
 * Worker threads for a run whose first keys are `head` (up to MANY_SMALL_ARCHIVES of them): one per
 * core when there are more than FEW_ARCHIVES that are not small on average, or MANY_SMALL_ARCHIVES of
 * any size; else 1 (in-process).
 */
export function workerCount(head: readonly string[], cores: number): number {
  if (head.length <= FEW_ARCHIVES) return 1
  return head.length >= MANY_SMALL_ARCHIVES || meanSize(head) >= SMALL_ARCHIVE_BYTES ? cores : 1
}

function sizeOf(key: string): number {
  const verdict = classifyKey(key)
  return verdict.kind === 'archive' ? verdict.archive.fileSize : 0
}

function meanSize(keys: readonly string[]): number {
  return keys.reduce((sum, key) => sum + sizeOf(key), 0) / keys.length
}

async function peek<T>(items: Iterable<T> | AsyncIterable<T>, count: number): Promise<{ head: T[]; rest: AsyncIterator<T> | Iterator<T> }> {
  const rest = Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]()
  const head: T[] = []
  while (head.length < count) {
    const next = await rest.next()
    if (next.done) return { head, rest: [][Symbol.iterator]() }
    head.push(next.value)
  }
  return { head, rest }
}

async function* concat<T>(head: T[], rest: AsyncIterator<T> | Iterator<T>): AsyncGenerator<T> {
  yield* head
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value
}
