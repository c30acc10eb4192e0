import { type ResourceLimits, Worker } from 'node:worker_threads'
import type { Logger } from '../log.js'
import type { Outcome } from '../run-archives.js'
import type { FromWorker, ToWorker, WorkerSpec } from './protocol.js'
import { workerScriptUrl } from './worker-url.js'

/**
 * V8 lets each thread's young generation grow to 48 MB. Capped lower, the pool's resident memory
 * drops by ~40 MB at no measurable cost in time (parsed events die young either way).
 */
const YOUNG_GENERATION_MB = 16
/** Below this a worker's own code and parser garbage would not fit. */
const MIN_OLD_GENERATION_MB = 96

/**
 * Each worker's heap is capped at twice its share of MEMORY_LIMIT_MB (its row buffers take about a
 * third of the share). Uncapped, V8 lets garbage pile up to about three times the live data; with a
 * cap it collects sooner. Measured: a 300 MB archive peaks at ~240 MB RSS instead of ~335 MB.
 */
function heapLimits(spec: WorkerSpec): ResourceLimits {
  const share = Math.floor(spec.config.memoryLimitBytes / (1024 * 1024))
  return { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: Math.max(MIN_OLD_GENERATION_MB, 2 * share) }
}

interface Slot {
  worker: Worker
  ready: boolean
  alive: boolean
  /** Keys sent and not yet answered (a key may be sent twice). */
  inFlight: Map<string, number>
  load: number
  /** Outcomes still due per batch sent, oldest first (a worker converts its batches in order). */
  batches: number[]
  /** Settles when the worker has built its pipeline, or could not. */
  started: Promise<void>
  markStarted: { resolve: () => void; reject: (error: Error) => void }
}

export interface PoolHandlers {
  onOutcome: (outcome: Outcome) => void
  log: Logger
}

/**
 * Worker threads that each hold one batch at a time (`spec.concurrency` is the archives a worker opens
 * at once within it). A batch is seconds of work, so the round trip to the next one costs nothing, and
 * none waits behind another in a busy worker while a second worker idles. A worker that dies fails
 * its in-flight archives (retryable) and is replaced; one that cannot start fails the run.
 */
export class WorkerPool {
  private readonly slots: Slot[] = []
  private waiters: (() => void)[] = []
  private failure: Error | undefined
  private closing = false

  constructor(
    private readonly spec: WorkerSpec,
    private readonly size: number,
    private readonly handlers: PoolHandlers,
  ) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.size; i++) this.spawn()
    await Promise.all(this.slots.map((slot) => slot.started))
  }

  /** Resolves once some worker can take another batch. */
  async waitForSlot(): Promise<void> {
    while (!this.hasFreeSlot()) {
      this.check()
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
    this.check()
  }

  /** Sends the batch to the least loaded worker. */
  dispatch(keys: string[]): void {
    const slot = this.leastLoaded()
    if (!slot) throw this.failure ?? new Error('no worker thread is running')
    if (keys.length === 0) return
    for (const key of keys) slot.inFlight.set(key, (slot.inFlight.get(key) ?? 0) + 1)
    slot.load += keys.length
    slot.batches.push(keys.length)
    this.send(slot, { kind: 'batch', keys })
  }

  /** Resolves when every dispatched archive has an outcome. */
  async drain(): Promise<void> {
    while (this.slots.some((slot) => slot.load > 0)) {
      this.check()
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
    this.check()
  }

  async close(): Promise<void> {
    this.closing = true
    await Promise.all(this.slots.map((slot) => stop(slot)))
    this.notify()
  }

  private spawn(): Slot {
    const worker = new Worker(workerScriptUrl(), { workerData: this.spec, resourceLimits: heapLimits(this.spec) })
    let markStarted!: Slot['markStarted']
    const started = new Promise<void>((resolve, reject) => (markStarted = { resolve, reject }))
    started.catch(() => undefined)
    const slot: Slot = { worker, ready: false, alive: true, inFlight: new Map(), load: 0, batches: [], started, markStarted }
    worker.on('message', (message: FromWorker) => this.receive(slot, message))
    worker.on('error', (error) => this.lost(slot, error))
    worker.on('exit', (code) => this.lost(slot, new Error(`worker thread exited with code ${code}`)))
    this.slots.push(slot)
    return slot
  }

  private receive(slot: Slot, message: FromWorker): void {
    if (message.kind === 'ready') {
      slot.ready = true
      slot.markStarted.resolve()
      this.notify()
    } else if (message.kind === 'log') {
      this.handlers.log[message.level](message.message, message.fields)
    } else if (message.kind === 'fatal') {
      this.lost(slot, new Error(message.message))
      void slot.worker.terminate()
    } else {
      this.settle(slot, message.outcome)
    }
  }

  private settle(slot: Slot, outcome: Outcome): void {
    const left = (slot.inFlight.get(outcome.key) ?? 1) - 1
    if (left > 0) slot.inFlight.set(outcome.key, left)
    else slot.inFlight.delete(outcome.key)
    slot.load--
    if (slot.batches.length > 0 && --slot.batches[0] <= 0) slot.batches.shift()
    this.emit(outcome)
    this.notify()
  }

  private emit(outcome: Outcome): void {
    try {
      this.handlers.onOutcome(outcome)
    } catch (error) {
      this.failure ??= error instanceof Error ? error : new Error(String(error))
    }
  }

  private lost(slot: Slot, error: Error): void {
    if (!slot.alive) return
    slot.alive = false
    this.slots.splice(this.slots.indexOf(slot), 1)
    if (this.closing) return
    if (!slot.ready) {
      // It never started: a replacement would fail the same way.
      this.failure ??= new Error(`worker thread could not start: ${error.message}`)
      slot.markStarted.reject(this.failure)
    } else {
      this.handlers.log.error(`worker thread stopped: ${error.message}`, { inFlight: [...slot.inFlight.keys()] })
      for (const [key, times] of slot.inFlight) {
        for (let i = 0; i < times; i++) this.emit({ key, status: 'failed', retryable: true, message: `worker thread stopped: ${error.message}` })
      }
      this.spawn()
    }
    this.notify()
  }

  private hasFreeSlot(): boolean {
    return this.slots.some((slot) => slot.ready && slot.batches.length === 0)
  }

  private leastLoaded(): Slot | undefined {
    let best: Slot | undefined
    for (const slot of this.slots)
      if (slot.ready && (!best || slot.batches.length < best.batches.length || (slot.batches.length === best.batches.length && slot.load < best.load)))
        best = slot
    return best
  }

  private send(slot: Slot, message: ToWorker): void {
    slot.worker.postMessage(message)
  }

  private check(): void {
    if (this.failure) throw this.failure
  }

  private notify(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }
}

/** Asks the worker to finish, then stops it if it lingers (open sockets keep a thread alive). */
async function stop(slot: Slot): Promise<void> {
  if (!slot.alive) return
  const exited = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()))
  slot.worker.postMessage({ kind: 'end' } satisfies ToWorker)
  const timer = setTimeout(() => void slot.worker.terminate(), 2000)
  await exited
  clearTimeout(timer)
}
