import type { Config } from '../config.js'
import type { LocationSpec } from '../location.js'
import type { LogFields } from '../log.js'
import type { Outcome } from '../run-archives.js'
import type { OssCredentials } from '../storage/oss.js'

/**
 * Everything a worker needs to build its own pipeline. Plain data only: it crosses the thread
 * boundary by structured clone (storages and loggers cannot).
 */
export interface WorkerSpec {
  config: Config
  source: LocationSpec
  dest: LocationSpec
  /** OSS credentials when they do not come from the environment (e.g. the FC context). */
  credentials?: OssCredentials
  /** URL of a module exporting `createEncoder` (an EncoderFactory); the benchmark's writer seam. */
  encoderModule?: string
  /** Batches sent to one worker at once (it converts one while the next waits), and archives it opens at once. */
  concurrency: number
  /** Reprocess archives that are already done. */
  force: boolean
}

export type ToWorker = { kind: 'batch'; keys: string[] } | { kind: 'end' }

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error'

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'outcome'; outcome: Outcome }
  | { kind: 'log'; level: LogLevelName; message: string; fields?: LogFields }
  | { kind: 'fatal'; message: string }
