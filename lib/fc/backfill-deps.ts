import { invocationCredentials } from '../credentials.js'
import { ConfigError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Pipeline } from '../pipeline.js'
import { createPipeline } from '../pipeline-from-config.js'
import type { InvocationDeps } from './container.js'
import type { FcContext } from './context.js'
import { createFcInvoker, type Invoker, internalFcEndpoint } from './invoker.js'

/** Everything the FC backfill needs, built by the handler from config and the FC context. */
export interface FcBackfillDeps {
  pipeline: Pipeline
  invoker: Invoker
  /** Source key prefix before `AliyunLogs/` (config); a payload's `prefix` overrides it. */
  sourcePrefix: string
  /** This function (context.function.name): continuations and unfinished batches go here. */
  selfName: string
  /** The function that processes fanned-out batches. */
  workerName: string
  fanoutThreshold: number
  fanoutBatchSize: number
  concurrency: number
  maxWindowDays: number
  now: () => Date
  /** Milliseconds until FC stops this invocation. */
  remainingMs: () => number
  /** Stop starting work when less than this is left: in-flight archives must finish in it. */
  marginMs: number
  log: Logger
}

/** A window larger than this must be split into several requests. */
export const MAX_WINDOW_DAYS = 366

export interface BackfillDepsOptions {
  /** When the invocation started (ms); the deadline is this plus the function timeout. */
  startedAt?: number
  now?: () => number
  /** The invoker to use instead of the FC client built from the context (local runs). */
  invoker?: Invoker
  env?: NodeJS.ProcessEnv
}

/** The backfill core's dependencies for one FC invocation, from the container's config and the context. */
export function backfillDeps(invocation: InvocationDeps, context: FcContext, options: BackfillDepsOptions = {}): FcBackfillDeps {
  const { config, log } = invocation
  if (!config.source)
    throw new ConfigError('SOURCE_BUCKET', 'is not set; the backfill needs the bucket ActionTrail delivers to (or SOURCE=oss://bucket/prefix)')
  const selfName = context.function?.name
  if (!selfName) throw new ConfigError('context.function.name', 'is missing; the backfill re-invokes itself by name')
  const now = options.now ?? Date.now
  const timeoutMs = (context.function?.timeout ?? 60) * 1000
  const deadline = (options.startedAt ?? now()) + timeoutMs
  const source = invocation.open(config.source)
  return {
    pipeline: createPipeline(config, source, invocation.open(config.dest), log),
    invoker: options.invoker ?? lazyInvoker(() => invokerFromContext(context, options.env ?? process.env)),
    sourcePrefix: source.prefix,
    selfName,
    workerName: config.workerFunctionName ?? selfName,
    fanoutThreshold: config.fanoutThreshold,
    fanoutBatchSize: config.fanoutBatchSize,
    concurrency: concurrencyFor(context.function?.memory, config.memoryLimitBytes),
    maxWindowDays: MAX_WINDOW_DAYS,
    now: () => new Date(now()),
    remainingMs: () => deadline - now(),
    marginMs: safetyMargin(timeoutMs),
    log,
  }
}

/** Time kept back for the archives in flight and the checkpoint: 15% of the timeout, within 10-60 s. */
export function safetyMargin(timeoutMs: number): number {
  return Math.min(60_000, Math.max(10_000, Math.round(timeoutMs * 0.15)))
}

/** Archives at once: as many memory bounds (MEMORY_LIMIT_MB) as fit in the function's memory, 1 to 8. */
export function concurrencyFor(functionMemoryMb: number | undefined, memoryLimitBytes: number): number {
  if (!functionMemoryMb) return 4
  return Math.min(8, Math.max(1, Math.floor((functionMemoryMb * 1024 * 1024) / memoryLimitBytes)))
}

function invokerFromContext(context: FcContext, env: NodeJS.ProcessEnv): Invoker {
  if (!context.accountId || !context.region) throw new ConfigError('context.accountId/context.region', 'are missing; they name the FC endpoint for fan-out')
  const credentials = invocationCredentials(context, env, 'FC (give the function a role so it can invoke FC)')
  return createFcInvoker({
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    securityToken: credentials.securityToken,
    endpoint: internalFcEndpoint(context.accountId, context.region),
  })
}

/** Builds the FC client only when the invocation fans out or continues. */
function lazyInvoker(build: () => Invoker): Invoker {
  let invoker: Invoker | undefined
  return { invokeAsync: (name, payload) => (invoker ??= build()).invokeAsync(name, payload) }
}
