import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { type CorpusSummary, generateCorpus } from '../lib/demo/corpus.js'
import { FsStorage } from '../lib/storage/fs.js'

export interface CorpusParameters {
  events: number
  archives: number
  seed: number
  /** Fraction of CCC events among all events (the rest are other services'). */
  cccShare: number
}

export interface BenchCorpus extends Omit<CorpusSummary, 'keys' | 'brokenArchives'> {
  root: string
  parameters: CorpusParameters
  /** Bytes of JSON after gunzip. */
  jsonBytes: number
}

const SLOTS_PER_DAY = 288 // one archive every 5 minutes

/**
 * The benchmark corpus for these parameters, generated once into `dir` and reused.
 * Every archive is a JSON array, the form ActionTrail writes and DuckDB's read_json(format='array') reads.
 */
export async function benchCorpus(parameters: CorpusParameters, dir: string): Promise<BenchCorpus> {
  const root = path.join(dir, `corpus-e${parameters.events}-a${parameters.archives}-s${parameters.seed}-c${parameters.cccShare}`)
  const marker = path.join(root, 'corpus.json')
  if (existsSync(marker)) return JSON.parse(await readFile(marker, 'utf8')) as BenchCorpus
  await rm(root, { recursive: true, force: true })
  await mkdir(root, { recursive: true })
  const days = daysFor(parameters.archives)
  const summary = await generateCorpus(new FsStorage(root), {
    seed: parameters.seed,
    totalEvents: parameters.events,
    days,
    archivesPerDay: parameters.archives / days,
    cccRatio: parameters.cccShare,
    forms: ['array'],
  })
  const { keys, brokenArchives, ...counts } = summary
  const corpus: BenchCorpus = { ...counts, root, parameters, jsonBytes: await jsonBytes(root, keys) }
  // Written last: its presence means the corpus is complete.
  await writeFile(marker, JSON.stringify(corpus, null, 2))
  return corpus
}

/** The fewest days that hold the archives at no more than one per 5 minutes, dividing them evenly. */
function daysFor(archives: number): number {
  for (let days = 1; days <= archives; days++) if (archives % days === 0 && archives / days <= SLOTS_PER_DAY) return days
  return archives
}

async function jsonBytes(root: string, keys: string[]): Promise<number> {
  let total = 0
  for (const key of keys) total += gunzipSync(await readFile(path.join(root, key))).length
  return total
}
