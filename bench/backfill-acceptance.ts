/**
 * Opt-in acceptance run of `ccc-trail backfill` at scale; not part of `npm test`.
 *
 *   npm run build && node dist/bench/backfill-acceptance.js [--days 30] [--per-day 170] [--events 4] [--concurrency 4] [--work <folder>]
 *
 * Generates a month of small archives into a folder, then with the built CLI:
 * 1. backfills the whole window (measures archives/s and events/s),
 * 2. runs it again (must process 0 and skip all as done),
 * 3. backfills into a second table, stops it with SIGTERM partway, reruns it, and checks that both
 *    tables hold the same rows, distinct event ids and partition files.
 */

import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { BackfillSummary } from '../lib/backfill/run-backfill.js'
import { generateCorpus } from '../lib/demo/corpus.js'
import { withDuckDb } from '../lib/query/duckdb.js'
import { createViews } from '../lib/query/views.js'
import { FsStorage } from '../lib/storage/fs.js'
import { listObjects } from '../lib/storage/list.js'
import { addDays } from '../lib/util/days.js'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const START = '2021-02-01'

interface CliResult {
  code: number | null
  summary?: BackfillSummary
  stderr: string
  seconds: string
}

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '30' },
    'per-day': { type: 'string', default: '170' },
    events: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '4' },
    work: { type: 'string' },
  },
})

const days = Number(values.days)
const window = { from: START, to: addDays(START, days - 1) }
const work = values.work ?? (await mkdtemp(path.join(tmpdir(), 'ccc-backfill-acceptance-')))
const bucket = path.join(work, 'bucket')
const lakeA = path.join(work, 'lake-a')
const lakeB = path.join(work, 'lake-b')
await Promise.all([lakeA, lakeB].map((dir) => rm(dir, { recursive: true, force: true })))

let started = Date.now()
const corpus = await generateCorpus(new FsStorage(bucket), {
  startDate: START,
  days,
  archivesPerDay: Number(values['per-day']),
  eventsPerArchive: Number(values.events),
  lateEvents: true,
  seed: 2021,
})
console.log(
  `corpus: ${corpus.archives} archives, ${corpus.events} events (${corpus.cccEvents} CCC) over ${days} days in ${bucket}, generated in ${seconds(started)} s`,
)

const args = (dest: string) => [
  'backfill',
  '--source',
  bucket,
  '--dest',
  dest,
  '--from',
  window.from,
  '--to',
  window.to,
  '--concurrency',
  String(values.concurrency),
  '--json',
  '--progress-interval',
  '0.5',
]

const full = await backfill(args(lakeA))
report('1. full backfill', full)
check(
  full.code === 0 && full.summary?.run.written === corpus.archives,
  `full run wrote ${full.summary?.run.written} of ${corpus.archives} archives (exit ${full.code})`,
)

const again = await backfill(args(lakeA))
report('2. second run', again)
check(
  again.code === 0 && again.summary?.run.archives === 0 && again.summary.plan.done === corpus.archives,
  'second run processed nothing and skipped every archive as done',
)

const stopped = await backfill(args(lakeB), { killAtShare: 0.4 })
report('3a. stopped with SIGTERM', stopped)
check(stopped.code === 143 && Boolean(stopped.summary?.stopped), `the stopped run exited ${stopped.code} and reports stopped=${stopped.summary?.stopped}`)
const resumed = await backfill(args(lakeB))
report('3b. rerun after the stop', resumed)
check(resumed.summary?.plan.done === stopped.summary?.run.archives, 'the rerun skipped exactly the archives the stopped run finished')

const [a, b] = [await shape(lakeA), await shape(lakeB)]
console.log(
  `tables: uninterrupted rows=${a.rows} distinct=${a.distinct} files=${a.files.length}; stopped+rerun rows=${b.rows} distinct=${b.distinct} files=${b.files.length}`,
)
check(
  a.rows === corpus.cccEvents && a.rows === b.rows && a.distinct === b.distinct && a.files.join() === b.files.join(),
  'both tables hold the same rows, event ids and files',
)
console.log(`work folder: ${work}`)

function backfill(cliArgs: string[], options: { killAtShare?: number } = {}): Promise<CliResult> {
  started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin/ccc-trail.js'), ...cliArgs], { cwd: REPO })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      const progress = [...stderr.matchAll(/progress (\d+)\/(\d+) archives/g)].at(-1)
      if (options.killAtShare && progress && Number(progress[1]) >= options.killAtShare * Number(progress[2]) && child.exitCode === null && !child.killed)
        child.kill('SIGTERM')
    })
    child.on('close', (code) =>
      resolve({ code, summary: stdout.trim() ? (JSON.parse(stdout) as BackfillSummary) : undefined, stderr, seconds: seconds(started) }),
    )
  })
}

function report(label: string, result: CliResult): void {
  const s = result.summary
  if (!s) {
    console.log(`${label}: exit ${result.code}, no summary; stderr:\n${result.stderr}`)
    return
  }
  const runSeconds = s.run.millis / 1000
  const archivesPerSecond = runSeconds > 0 ? Math.round(s.run.archives / runSeconds) : 0
  const eventsPerSecond = runSeconds > 0 ? Math.round(s.run.counts.events / runSeconds) : 0
  console.log(
    `${label}: exit ${result.code}; listed ${s.plan.listed} (${s.plan.done} done) in ${(s.plan.millis / 1000).toFixed(1)} s; processed ${s.run.archives} (${s.run.written} written, ${s.run.quarantined} quarantined, ${s.run.failed} failed) in ${runSeconds.toFixed(1)} s = ${archivesPerSecond} archives/s, ${eventsPerSecond} events/s; rows ${s.run.counts.rows}; wall ${result.seconds} s`,
  )
}

async function shape(root: string): Promise<{ rows: number; distinct: number; files: string[] }> {
  const [row] = await withDuckDb(async (db) => {
    return (await createViews(db, root)).rows('select count(*) as n, count(distinct event_id) as d from ccc_events')
  })
  const files: string[] = []
  for await (const info of listObjects(new FsStorage(root), '')) if (info.key.endsWith('.parquet') && !info.key.startsWith('_')) files.push(info.key)
  return { rows: Number(row.n), distinct: Number(row.d), files: files.sort() }
}

function check(ok: boolean, what: string): void {
  console.log(`${ok ? 'OK  ' : 'FAIL'} ${what}`)
  if (!ok) process.exitCode = 1
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1)
}
