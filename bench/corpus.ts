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

export interface CadenceParameters {
  days: number
  /** 288 at ActionTrail's cadence (one archive every 5 minutes). */
  archivesPerDay: number
  eventsPerArchive: number
  seed: number
  cccShare: number
}

export const REAL_CADENCE = { archivesPerDay: SLOTS_PER_DAY, eventsPerArchive: 300, cccShare: 0.25 } as const

/**
 * A trail at ActionTrail's real cadence: `days` × one archive every 5 minutes × a few hundred events,
 * a quarter of them CCC over the seed's API names. Generated once into `dir` and reused, like benchCorpus.
 */
export async function cadenceCorpus(parameters: CadenceParameters, dir: string): Promise<BenchCorpus> {
  const { days, archivesPerDay, eventsPerArchive, seed, cccShare } = parameters
  const root = path.join(dir, `cadence-d${days}-a${archivesPerDay}-e${eventsPerArchive}-s${seed}-c${cccShare}`)
  const marker = path.join(root, 'corpus.json')
  if (existsSync(marker)) return JSON.parse(await readFile(marker, 'utf8')) as BenchCorpus
  await rm(root, { recursive: true, force: true })
  await mkdir(root, { recursive: true })
  const summary = await generateCorpus(new FsStorage(root), { seed, days, archivesPerDay, eventsPerArchive, cccRatio: cccShare, forms: ['array'] })
  const { keys, brokenArchives, ...counts } = summary
  const asBench = { events: days * archivesPerDay * eventsPerArchive, archives: days * archivesPerDay, seed, cccShare }
  const corpus: BenchCorpus = { ...counts, root, parameters: asBench, jsonBytes: await jsonBytes(root, keys) }
  await writeFile(marker, JSON.stringify(corpus, null, 2))
  return corpus
}
