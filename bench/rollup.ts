import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { generateCorpus } from '../lib/demo/corpus.js'
import { ossTriggerEvent } from '../lib/fc/oss-event.js'
import { listObjects } from '../lib/storage/list.js'
import { OssStorage } from '../lib/storage/oss.js'
import { startOssServer } from '../test/support/oss-server.js'
import { runContainer } from './container.js'
import { middleBy } from './median.js'

const USAGE = `Usage: node dist/bench/rollup.js [--hours N] [--archives-per-hour N] [--events N] [--ccc-share S] [--json]
  The trigger path over one day at the real delivery cadence, then hourly roll-ups: every archive (default
  24 h x 12 archives of 300 events, CCC share 0.25) goes through the OSS trigger handler, and after each
  hour's archives the compaction function rolls up the day ({"rollup": true}); then the day is finalized
  ({"date"}). The trigger handler runs in this process (one warm container); each roll-up runs in a
  container of its own (a fresh process: its time and CPU include loading the handler, the same for
  every hour), against the OSS-protocol test server (in this process) through the real ali-oss client.
  Reports, per roll-up, wall, CPU-s and OSS requests, the
  data files per partition-day after the day, and the roll-up cost with 2 and with 20 hours already rolled.`

const CREDENTIALS = { accessKeyId: 'LTAI5tRollUpBenchKey', accessKeySecret: 'rollup-bench-secret', securityToken: 'rollup-bench-token' }
const BUCKET = 'trail'
const DEST_PREFIX = 'ccc-parquet/ccc_events/'
const DAY = '2021-02-03'

type Handler = (event: Buffer, context: unknown) => Promise<unknown>

interface RollUpCost {
  hour: number
  /** Hours rolled up before this one. */
  hoursPresent: number
  seconds: number
  cpuSeconds: number
  requests: number
  partitionsRolled: number
  filesMerged: number
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hours: { type: 'string', default: '24' },
      'archives-per-hour': { type: 'string', default: '12' },
      events: { type: 'string', default: '300' },
      'ccc-share': { type: 'string', default: '0.25' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return void console.log(USAGE)
  const [hours, perHour, events, share] = [Number(values.hours), Number(values['archives-per-hour']), Number(values.events), Number(values['ccc-share'])]
  if (!(Number.isInteger(hours) && hours >= 1 && hours <= 24 && Number.isInteger(perHour) && perHour > 0 && events > 0 && share > 0 && share <= 1))
    throw new Error(USAGE)
  const server = await startOssServer({ ...CREDENTIALS, buckets: [BUCKET] })
  try {
    const storage = new OssStorage({ bucket: BUCKET, endpoint: server.endpoint, ...CREDENTIALS })
    const corpus = await generateCorpus(storage, {
      seed: 27,
      startDate: DAY,
      days: 1,
      archivesPerDay: 24 * perHour,
      eventsPerArchive: events,
      cccRatio: share,
      lateEvents: false,
    })
    Object.assign(process.env, { SOURCE_BUCKET: BUCKET, DEST_BUCKET: BUCKET, DEST_PREFIX, OSS_ENDPOINT: server.endpoint, LOG_LEVEL: 'error' })
    const trigger = ((await import('../functions/oss-trigger.js')) as { handler: Handler }).handler
    const compact = ((await import('../functions/compact.js')) as { handler: Handler }).handler
    const compactFile = path.join(import.meta.dirname, '..', 'functions', 'compact.js')
    const context = (name: string) => ({ requestId: `bench-${name}`, credentials: CREDENTIALS, function: { name, timeout: 1800, memory: 2048 } })
    const byHour = new Map<number, string[]>()
    for (const key of corpus.keys) {
      const hour = Number(/_\d{8}(\d{2})\d{4}_/.exec(key)?.[1] ?? 0)
      byHour.set(hour, [...(byHour.get(hour) ?? []), key])
    }
    const costs: RollUpCost[] = []
    let triggerSeconds = 0
    let triggered = 0
    for (let hour = 0; hour < hours; hour++) {
      const started = performance.now()
      for (const key of byHour.get(hour) ?? []) {
        triggered++
        await trigger(Buffer.from(JSON.stringify(ossTriggerEvent([{ bucket: BUCKET, key, size: 0, eTag: 'x' }]))), context('ccc-trail-oss-trigger'))
      }
      triggerSeconds += (performance.now() - started) / 1000
      const before = await dayFiles(storage)
      const requestsBefore = server.requests.length
      // Its own process (a compaction container), so that the test server's CPU is not counted in it.
      const child = await runContainer(compactFile, [JSON.stringify({ rollup: true, date: DAY })], CREDENTIALS, {}, 'compaction')
      const requests = server.requests.length - requestsBefore
      const after = await dayFiles(storage)
      costs.push({
        hour,
        hoursPresent: hour,
        seconds: child.seconds[0]!,
        cpuSeconds: child.cpuSeconds,
        requests,
        partitionsRolled: after.groups - before.groups,
        filesMerged: before.parts - after.parts,
      })
      if (!values.json) {
        const c = costs.at(-1)!
        console.log(
          `hour ${String(hour).padStart(2)}: roll-up ${c.seconds.toFixed(2)} s, ${c.cpuSeconds.toFixed(2)} CPU-s, ${c.requests} OSS requests, ${c.partitionsRolled} partitions, ${c.filesMerged} part files merged`,
        )
      }
    }
    const afterRollUps = await filesPerPartition(storage)
    const finalize = performance.now()
    await compact(Buffer.from(JSON.stringify({ date: DAY })), context('ccc-trail-compact'))
    const finalizeSeconds = (performance.now() - finalize) / 1000
    const afterFinal = await filesPerPartition(storage)
    const at = (present: number) => costs.find((c) => c.hoursPresent === present)
    const report = {
      hours,
      archives: triggered,
      corpus: { archives: corpus.keys.length, events: corpus.events, cccEvents: corpus.cccEvents },
      triggerSeconds,
      partitions: afterRollUps.length,
      filesPerPartitionAfterRollUps: { max: Math.max(...afterRollUps), mean: mean(afterRollUps) },
      filesPerPartitionAfterFinalization: { max: Math.max(...afterFinal), mean: mean(afterFinal) },
      finalizeSeconds,
      rollUpWith2Hours: at(2),
      rollUpWith20Hours: at(20),
      // One roll-up is one sample of a ~2 CPU-s process, which swings by a fifth on its own: the target is
      // also read from the median of the three roll-ups around each point.
      medianCpuNear2Hours: medianCpu(costs, 1, 3),
      medianCpuNear20Hours: medianCpu(costs, 19, 21),
      rollUps: costs,
    }
    console.log(
      `${triggered} archives of ${events} events (CCC share ${share}) through the trigger handler in ${triggerSeconds.toFixed(1)} s; ${report.partitions} partitions`,
    )
    console.log(
      `data files per partition-day after the hourly roll-ups: max ${report.filesPerPartitionAfterRollUps.max}, mean ${report.filesPerPartitionAfterRollUps.mean.toFixed(1)}`,
    )
    console.log(
      `after finalization (${finalizeSeconds.toFixed(1)} s): max ${report.filesPerPartitionAfterFinalization.max}, mean ${report.filesPerPartitionAfterFinalization.mean.toFixed(1)}`,
    )
    for (const [label, cost] of [
      ['2 hours', report.rollUpWith2Hours],
      ['20 hours', report.rollUpWith20Hours],
    ] as const) {
      if (cost)
        console.log(
          `roll-up with ${label} already rolled: ${cost.seconds.toFixed(2)} s, ${cost.cpuSeconds.toFixed(2)} CPU-s, ${cost.requests} OSS requests, ${cost.filesMerged} files merged`,
        )
    }
    if (report.medianCpuNear2Hours !== undefined && report.medianCpuNear20Hours !== undefined)
      console.log(
        `median CPU of the roll-ups with 1-3 hours rolled: ${report.medianCpuNear2Hours.toFixed(2)} s; with 19-21: ${report.medianCpuNear20Hours.toFixed(2)} s`,
      )
    if (values.json) console.log(JSON.stringify(report))
  } finally {
    await server.close()
  }
}

/** Part files and compacted files of the day. */
async function dayFiles(storage: OssStorage): Promise<{ parts: number; groups: number }> {
  const files = { parts: 0, groups: 0 }
  for await (const info of listObjects(storage, `${DEST_PREFIX}dt=${DAY}/`)) {
    const name = info.key.slice(info.key.lastIndexOf('/') + 1)
    if (name.startsWith('part-')) files.parts++
    else if (name.startsWith('compact-')) files.groups++
  }
  return files
}

/** Data files in each partition folder of the day. */
async function filesPerPartition(storage: OssStorage): Promise<number[]> {
  const counts = new Map<string, number>()
  for await (const info of listObjects(storage, `${DEST_PREFIX}dt=${DAY}/`)) {
    if (!info.key.endsWith('.parquet')) continue
    const folder = info.key.slice(0, info.key.lastIndexOf('/'))
    counts.set(folder, (counts.get(folder) ?? 0) + 1)
  }
  return [...counts.values()]
}

/** Median CPU seconds of the roll-ups made with `from` to `to` hours already rolled; undefined if the day was shorter. */
function medianCpu(costs: readonly RollUpCost[], from: number, to: number): number | undefined {
  const cpu = costs.filter((c) => c.hoursPresent >= from && c.hoursPresent <= to).map((c) => c.cpuSeconds)
  return cpu.length === to - from + 1 ? middleBy(cpu, (seconds) => seconds) : undefined
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)
}

run().catch((error: unknown) => {
  process.stderr.write(`bench rollup: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
