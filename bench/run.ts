import { readFileSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { availableParallelism, cpus } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { heapFlagsNeeded } from '../lib/cli/heap.js'
import { sqlString, withDuckDb } from '../lib/query/duckdb.js'
import { type BigArchiveKind, bigArchive } from './big-archive.js'
import { BULK_VARIANTS, cadenceLines, runCadence } from './cadence.js'
import { DEFAULT_QUERY_PAIRS, queryStep } from './cadence-query.js'
import { processLaunch } from './cli-launch.js'
import { type BenchCorpus, benchCorpus, type CadenceParameters, cadenceCorpus, REAL_CADENCE } from './corpus.js'
import { measure } from './measure.js'
import { archiveFiles, benchDir } from './paths.js'
import { type BenchReport, type BoundedMemory, cpuRatiosOf, cpuSecondsOf, ratiosOf, resultOf, tableLines } from './report.js'
import { rollupStep } from './rollup-step.js'

const USAGE = `Usage: npm run bench -- [--events N] [--archives N] [--seed N] [--ccc-share S] [--repeat N] [--big-mb MB] [--huge-mb MB] [--only names] [--dir folder] [--json]
       npm run bench -- --cadence real [--days N] [--archives-per-day N] [--events-per-archive N] [--seed N] [--ccc-share S] [--repeat N] [--only names] [--no-trigger-day] [--query-pairs N] [--dir folder] [--json]
  --events    events in the corpus (default 200000)
  --archives  archives they are spread over (default 40)
  --seed      corpus seed (default 1)
  --ccc-share fraction of CCC events in the corpus, the rest other services' (default 0.7)
  --repeat    runs per variant, the fastest kept (default 1)
  --big-mb    size of the single-archive memory tests in MB of JSON, one varied (~15:1 gzip) and one
              repetitive (~90:1 gzip); 0 skips them (default 300)
  --huge-mb   size of one more varied archive for the memory test, e.g. 1024; 0 skips it (default 0)
  --only      comma-separated variants to run: floor,duckdb,ccc-trail,ccc-trail+parquetjs-lite (the default),
              duckdb-engine,duckdb-engine-batch (sketches of DuckDB as the engine; only when named)
  --dir       where corpora are cached and outputs written (default .bench/ in the package)
  --json      print the report as one JSON object on the last line
  --cadence real  a trail at ActionTrail's cadence instead: --days (default 10) × --archives-per-day (288)
              × --events-per-archive (300), CCC share 0.25 unless given; runs duckdb and ccc-trail
              (--only duckdb,ccc-trail) and reports files written, bytes and files per partition; then
              the trigger path over one day at that cadence with hourly roll-ups (node dist/bench/rollup.js)
  --no-trigger-day  with --cadence real: skip the trigger path and roll-ups
  --query-pairs with --cadence real: runs of the query on the lake as left and compacted, in turn (default ${DEFAULT_QUERY_PAIRS})`

const VARIANT_ORDER = ['floor', 'duckdb', 'ccc-trail', 'ccc-trail+parquetjs-lite', 'duckdb-engine', 'duckdb-engine-batch'] as const
const DEFAULT_VARIANTS: readonly string[] = VARIANT_ORDER.slice(0, 4)
const BIG_MEMORY_LIMIT_MB = 256
/** What node itself takes beside the bound (code, runtime, young generation): the target is bound + this. */
const RUNTIME_OVERHEAD_MB = 64

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '200000' },
      archives: { type: 'string', default: '40' },
      seed: { type: 'string', default: '1' },
      'ccc-share': { type: 'string' },
      cadence: { type: 'string' },
      days: { type: 'string', default: '10' },
      'archives-per-day': { type: 'string', default: String(REAL_CADENCE.archivesPerDay) },
      'events-per-archive': { type: 'string', default: String(REAL_CADENCE.eventsPerArchive) },
      repeat: { type: 'string', default: '1' },
      'big-mb': { type: 'string', default: '300' },
      'huge-mb': { type: 'string', default: '0' },
      dir: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-trigger-day': { type: 'boolean', default: false },
      'query-pairs': { type: 'string', default: String(DEFAULT_QUERY_PAIRS) },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return void console.log(USAGE)
  const number = (
    name: 'events' | 'archives' | 'seed' | 'repeat' | 'big-mb' | 'huge-mb' | 'days' | 'archives-per-day' | 'events-per-archive' | 'query-pairs',
    min: number,
  ) => {
    const value = Number(values[name])
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number of at least ${min}\n${USAGE}`)
    return value
  }
  const progress = (line: string) => process.stderr.write(line + '\n')
  if (values.cadence !== undefined && values.cadence !== 'real') throw new Error(`--cadence takes only "real"\n${USAGE}`)
  const cccShare = Number(values['ccc-share'] ?? (values.cadence ? REAL_CADENCE.cccShare : 0.7))
  if (!(cccShare > 0 && cccShare <= 1)) throw new Error(`--ccc-share must be a fraction above 0 and at most 1\n${USAGE}`)
  if (values.cadence) {
    const parameters = {
      days: number('days', 1),
      archivesPerDay: number('archives-per-day', 1),
      eventsPerArchive: number('events-per-archive', 1),
      seed: number('seed', 0),
      cccShare,
    }
    return runRealCadence(parameters, { repeat: number('repeat', 1), queryPairs: number('query-pairs', 1) }, values, progress)
  }
  const parameters = { events: number('events', 1), archives: number('archives', 1), seed: number('seed', 0), cccShare }
  const repeat = number('repeat', 1)
  const dir = path.resolve(values.dir ?? benchDir())
  await rm(path.join(dir, 'out'), { recursive: true, force: true })
  progress(`corpus: ${parameters.events} events in ${parameters.archives} archives (seed ${parameters.seed}, CCC share ${cccShare}) under ${dir}`)
  const corpus = await benchCorpus(parameters, dir)
  await warmPageCache(corpus)

  const only = values.only?.split(',').map((name) => name.trim())
  const unknown = only?.filter((name) => !(VARIANT_ORDER as readonly string[]).includes(name)) ?? []
  if (unknown.length) throw new Error(`unknown variant(s) ${unknown.join(', ')}\n${USAGE}`)
  const results = []
  for (const name of VARIANT_ORDER.filter((n) => (only ?? DEFAULT_VARIANTS).includes(n))) {
    progress(`running ${name}${repeat > 1 ? ` (${repeat} times)` : ''}...`)
    const dest = path.join(dir, 'out', name)
    const launch = name === 'ccc-trail' ? await processLaunch(corpus.root) : undefined
    const measurement = await measure(name, { source: corpus.root, dest }, { repeat, nodeFlags: launch?.nodeFlags })
    const rows = measurement.cccEvents ?? (await countRows(measurement.dest))
    results.push(resultOf(measurement, corpus, rows))
  }
  const bigMB = number('big-mb', 0)
  const hugeMB = number('huge-mb', 0)
  const bigRuns: (readonly [number, BigArchiveKind])[] = [
    ...(bigMB > 0
      ? ([
          [bigMB, 'varied'],
          [bigMB, 'repetitive'],
        ] as const)
      : []),
    ...(hugeMB > 0 ? ([[hugeMB, 'varied']] as const) : []),
  ]
  const boundedMemory: BoundedMemory[] = []
  for (const [megabytes, kind] of bigRuns) boundedMemory.push(await measureBigArchive(megabytes, kind, parameters.seed, dir, progress))
  const report: BenchReport = {
    corpus: {
      events: corpus.events,
      archives: corpus.archives,
      seed: parameters.seed,
      cccShare,
      cccEvents: corpus.cccEvents,
      gzipBytes: corpus.bytes,
      jsonBytes: corpus.jsonBytes,
    },
    results,
    ratios: ratiosOf(results),
    cpuRatios: cpuRatiosOf(results),
    cpuSeconds: cpuSecondsOf(results),
    boundedMemory,
    machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
  }
  for (const line of tableLines(report)) console.log(line)
  const counts = new Set(results.map((r) => r.rows))
  if (counts.size > 1) console.log(`WARNING: the variants disagree on the CCC row count: ${results.map((r) => `${r.name} ${r.rows}`).join(', ')}`)
  if (values.json) console.log(JSON.stringify(report))
}

async function runRealCadence(
  parameters: CadenceParameters,
  { repeat, queryPairs }: { repeat: number; queryPairs: number },
  values: { dir?: string; only?: string; json?: boolean; 'no-trigger-day'?: boolean },
  progress: (line: string) => void,
): Promise<void> {
  const dir = path.resolve(values.dir ?? benchDir())
  const variants = values.only?.split(',').map((name) => name.trim()) ?? [...BULK_VARIANTS]
  const unknown = variants.filter((name) => !(BULK_VARIANTS as readonly string[]).includes(name))
  if (unknown.length) throw new Error(`--cadence real runs ${BULK_VARIANTS.join(', ')}, not ${unknown.join(', ')}\n${USAGE}`)
  await rm(path.join(dir, 'out'), { recursive: true, force: true })
  const { days, archivesPerDay, eventsPerArchive } = parameters
  progress(
    `corpus: ${days} day(s) × ${archivesPerDay} archives × ${eventsPerArchive} events (seed ${parameters.seed}, CCC share ${parameters.cccShare}) under ${dir}`,
  )
  const corpus = await cadenceCorpus(parameters, dir)
  await warmPageCache(corpus)
  const steps = [...(values['no-trigger-day'] ? [] : [rollupStep(parameters)]), queryStep(queryPairs)]
  const report = await runCadence(corpus, dir, { repeat, variants: BULK_VARIANTS.filter((name) => variants.includes(name)), steps, countRows, progress })
  for (const line of cadenceLines(corpus, report)) console.log(line)
  if (values.json)
    console.log(
      JSON.stringify({
        cadence: 'real',
        corpus: { ...parameters, cccEvents: corpus.cccEvents, gzipBytes: corpus.bytes, jsonBytes: corpus.jsonBytes },
        ...report,
      }),
    )
}

/** Reads the corpus once so that no variant pays for the first read from disk. */
async function warmPageCache(corpus: BenchCorpus): Promise<void> {
  for (const file of archiveFiles(corpus.root)) await readFile(file)
}

function countRows(root: string): Promise<number> {
  const glob = path.join(root, 'dt=*', 'event_name=*', '*.parquet')
  return withDuckDb(async (sql) => Number((await sql.rows(`SELECT count(*) AS n FROM read_parquet(${sqlString(glob)})`))[0].n))
}

async function measureBigArchive(megabytes: number, kind: BigArchiveKind, seed: number, dir: string, progress: (line: string) => void): Promise<BoundedMemory> {
  progress(`bounded memory: one ${kind} archive of ${megabytes} MB JSON (generated once under ${dir})...`)
  const archive = await bigArchive(megabytes, seed, dir, kind)
  readFileSync(path.join(archive.root, archive.key))
  const dest = path.join(dir, 'out', `big-${kind}-${megabytes}`)
  const env = { MEMORY_LIMIT_MB: String(BIG_MEMORY_LIMIT_MB) }
  // The heap `ccc-trail process` converts one archive with (bin/ccc-trail.js relaunches node with these flags).
  const nodeFlags = heapFlagsNeeded(['process'], [], env) ?? []
  const measurement = await measure('ccc-trail', { source: archive.root, dest }, { repeat: 1, env, nodeFlags })
  return {
    kind,
    jsonMB: archive.jsonBytes / 1024 / 1024,
    gzipMB: archive.gzipBytes / 1024 / 1024,
    events: archive.events,
    memoryLimitMB: BIG_MEMORY_LIMIT_MB,
    wallSeconds: measurement.wallSeconds,
    peakRssMB: Math.round(measurement.peakRssMB * 10) / 10,
    underBound: measurement.peakRssMB <= BIG_MEMORY_LIMIT_MB + RUNTIME_OVERHEAD_MB,
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
