import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadConfig } from '../../lib/config.js'
import { silentLogger } from '../../lib/log.js'
import { processArchivesAuto } from '../../lib/parallel/auto.js'
import { createPipeline } from '../../lib/pipeline-from-config.js'
import { listArchiveTree } from '../../lib/source/list-archives.js'
import { locationOpener } from '../../lib/storage/open.js'
import type { Storage } from '../../lib/storage/types.js'
import { createEncoder } from '../parquetjs-writer.js'
import type { VariantInput, VariantOutput } from './types.js'

/** The ccc-trail pipeline with the CLI's defaults (workers, concurrency), parquetjs-lite writing the files. */
export async function run({ source, dest }: VariantInput): Promise<VariantOutput> {
  const config = loadConfig(process.env, { SOURCE: source, DEST: dest })
  const open = locationOpener(config.oss)
  const [from, to] = [open(config.source!), open(config.dest)]
  const pipeline = createPipeline(config, from, to, silentLogger)
  pipeline.options.encoder = createEncoder
  const encoderModule = pathToFileURL(path.join(import.meta.dirname, '..', 'parquetjs-writer.js')).href
  const spec = { config, source: from.spec, dest: to.spec, encoderModule }
  const summary = await processArchivesAuto(pipeline, spec, archiveKeys(from.storage, from.prefix), { concurrency: 4 })
  if (summary.failed > 0) throw new Error(`${summary.failed} archive(s) failed`)
  return {}
}

async function* archiveKeys(storage: Storage, prefix: string): AsyncGenerator<string> {
  for await (const listed of listArchiveTree(storage, prefix)) if (listed.kind === 'archive') yield listed.key
}
