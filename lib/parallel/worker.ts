import { parentPort, workerData } from 'node:worker_threads'
import type { LocationSpec } from '../location.js'
import { type Logger, sinkLogger } from '../log.js'
import { createPipeline } from '../pipeline-from-config.js'
import { processArchives } from '../run-archives.js'
import { FsStorage } from '../storage/fs.js'
import type { Location } from '../storage/open.js'
import type { EncoderFactory } from '../write/file-encoder.js'
import { KeyQueue } from './key-queue.js'
import type { FromWorker, ToWorker, WorkerSpec } from './protocol.js'

/** Worker thread entry: builds its own pipeline from the spec and processes the keys the pool sends. */

const port = parentPort!
const spec = workerData as WorkerSpec
const post = (message: FromWorker) => port.postMessage(message)

const keys = new KeyQueue()
port.on('message', (message: ToWorker) => (message.kind === 'archive' ? keys.push(message.key) : keys.end()))

try {
  const open = await opener()
  const pipeline = createPipeline(spec.config, open(spec.source), open(spec.dest), forwardingLogger())
  if (spec.encoderModule) pipeline.options.encoder = ((await import(spec.encoderModule)) as { createEncoder: EncoderFactory }).createEncoder
  post({ kind: 'ready' })
  await processArchives(pipeline, keys, { concurrency: spec.concurrency, force: spec.force, onOutcome: (outcome) => post({ kind: 'outcome', outcome }) })
  port.close()
} catch (error) {
  post({ kind: 'fatal', message: error instanceof Error ? error.message : String(error) })
  port.close()
}

/**
 * Opens the spec's locations. Folders need no OSS client, and loading ali-oss would cost every
 * worker thread a noticeable share of a short run (time and memory), so it is loaded only for OSS.
 */
async function opener(): Promise<(location: LocationSpec) => Location> {
  if (spec.source.kind === 'oss' || spec.dest.kind === 'oss') {
    const { locationOpener } = await import('../storage/open.js')
    return locationOpener(spec.config.oss, spec.credentials ? { credentials: spec.credentials } : undefined)
  }
  return (location) => {
    if (location.kind !== 'fs') throw new Error('unreachable: an OSS location without the OSS opener')
    return { storage: new FsStorage(location.root), prefix: location.prefix, spec: location }
  }
}

/** Log lines go to the pool, which hands them to the caller's logger. */
function forwardingLogger(): Logger {
  return sinkLogger((level, message, context, own) => {
    const fields = { ...context, ...own }
    try {
      post({ kind: 'log', level, message, fields })
    } catch {
      // A field that cannot be cloned (a function, a socket): send what JSON keeps of it.
      post({ kind: 'log', level, message, fields: JSON.parse(JSON.stringify(fields)) as Record<string, unknown> })
    }
  })
}
