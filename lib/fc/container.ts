import { createHash } from 'node:crypto'
import { getHeapStatistics } from 'node:v8'
import type { DeliveryOptions } from '../alerts/deliver.js'
import { type Config, loadConfig } from '../config.js'
import { ConfigError } from '../errors.js'
import type { LocationSpec } from '../location.js'
import { forwardingLogger, jsonLogger, type Logger } from '../log.js'
import { type Location, locationOpener } from '../storage/open.js'
import { type FcContext, invocationFields } from './context.js'

/** What every handler core gets: `handle(deps, event, context)`. Built here, once per container in FC. */
export interface InvocationDeps {
  config: Config
  /** Opens a bucket prefix or folder with this invocation's credentials. */
  open: (spec: LocationSpec) => Location
  log: Logger
  /** The clock (ms); Date.now unless a test pins it. */
  now?: () => number
  /** Retries and backoff of alert messages; the defaults unless a test shortens them. */
  alertDelivery?: DeliveryOptions
}

export type LineWriter = (line: string) => void

const stdoutLine: LineWriter = (line) => process.stdout.write(line + '\n')

/**
 * Dependencies for each invocation of one FC container: the configuration is read and checked once
 * (a ConfigError is logged naming the setting, then thrown); OSS clients are built once and rebuilt only
 * when FC hands the invocation different credentials (the role's STS token rotates); the logger is per
 * invocation so every line carries the request id. Lines go to stdout, which FC ships to its logstore.
 */
export function fcContainer(env: NodeJS.ProcessEnv = process.env, write: LineWriter = stdoutLine): (context: FcContext) => InvocationDeps {
  let config: Config | undefined
  let opener: { fingerprint: string; open: InvocationDeps['open'] } | undefined
  let log: Logger | undefined
  // Storage outlives an invocation; what it logs carries the request id of the invocation at hand.
  const storageLog = forwardingLogger(() => log ?? jsonLogger(write))
  return (context) => {
    const fields = invocationFields(context)
    const coldStart = !config
    if (!config) {
      try {
        config = checkedConfig(loadConfig(env))
      } catch (error) {
        if (error instanceof ConfigError) jsonLogger(write, 'error', fields).error(`configuration error: ${error.message}`, { setting: error.setting })
        throw error
      }
    }
    const fingerprint = credentialFingerprint(context)
    if (opener?.fingerprint !== fingerprint) opener = { fingerprint, open: locationOpener(config.oss, context, env, storageLog) }
    log = jsonLogger(write, config.logLevel, fields)
    if (coldStart) logColdStart(log, context, env)
    return { config, open: opener.open, log }
  }
}

/**
 * Once per instance: the V8 heap limit node really got, so an operator can see that FC applied the
 * `NODE_OPTIONS` of s.yaml (FC's documentation does not say that it does).
 */
function logColdStart(log: Logger, context: FcContext, env: NodeJS.ProcessEnv): void {
  const limit = getHeapStatistics().heap_size_limit
  log.info('cold start', {
    heap_size_limit: limit,
    heapLimitMb: Math.round(limit / (1024 * 1024)),
    nodeOptions: env.NODE_OPTIONS ?? null,
    memoryMb: context.function?.memory ?? null,
  })
}

/** The destination must not be the whole source bucket: every new object would then be the table's own. */
export function checkedConfig(config: Config): Config {
  const { source, dest } = config
  if (source?.kind === 'oss' && dest.kind === 'oss' && source.bucket === dest.bucket && dest.prefix === '') {
    throw new ConfigError(
      'DEST_PREFIX',
      `is empty while the table is written into the source bucket "${dest.bucket}"; give the table its own prefix (default ccc-parquet/ccc_events/)`,
    )
  }
  return config
}

/** Identifies the credentials without keeping the secret or token around in another form. */
function credentialFingerprint(context: FcContext): string {
  const c = context.credentials
  if (!c?.accessKeyId) return 'environment'
  return createHash('sha256')
    .update(`${c.accessKeyId}\n${c.accessKeySecret ?? ''}\n${c.securityToken ?? ''}`)
    .digest('hex')
}
