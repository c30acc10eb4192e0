import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { generateCorpus } from '../lib/demo/corpus.js'
import { ossTriggerEvent } from '../lib/fc/oss-event.js'
import { OssStorage } from '../lib/storage/oss.js'
import { startOssServer } from '../test/support/oss-server.js'
import { type ContainerResult, runContainer } from './container.js'
import { median } from './median.js'
import { packageRoot } from './paths.js'

const USAGE = `Usage: node dist/bench/trigger.js [--events N] [--ccc-share S] [--warm N] [--repeat N] [--package DIR] [--json]
  One FC container, simulated: a fresh Node process loads functions/oss-trigger.js and handles one OSS
  trigger event per archive (archives of --events events, default 5000), through the real ali-oss
  client against the OSS-protocol test server. The first invocation is the cold one (process start
  and module loading included), the next --warm (default 3) are warm. --repeat (default 3) containers
  are run one after the other; medians are reported.
  --package  the package whose dist/functions/oss-trigger.js runs (default this one)`

const CREDENTIALS = { accessKeyId: 'LTAI5tTriggerBenchKey', accessKeySecret: 'trigger-bench-secret', securityToken: 'trigger-bench-token' }
const BUCKET = 'trail'

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '5000' },
      'ccc-share': { type: 'string', default: '0.7' },
      warm: { type: 'string', default: '3' },
      repeat: { type: 'string', default: '3' },
      package: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return void console.log(USAGE)
  const [events, share, warm, repeat] = [Number(values.events), Number(values['ccc-share']), Number(values.warm), Number(values.repeat)]
  if (!(Number.isInteger(events) && events > 0 && share > 0 && share <= 1 && Number.isInteger(warm) && warm >= 0 && Number.isInteger(repeat) && repeat > 0))
    throw new Error(USAGE)
  const server = await startOssServer({ ...CREDENTIALS, buckets: [BUCKET] })
  try {
    const storage = new OssStorage({ bucket: BUCKET, endpoint: server.endpoint, ...CREDENTIALS })
    const corpus = await generateCorpus(storage, { seed: 1, days: 1, archivesPerDay: 1 + warm, eventsPerArchive: events, cccRatio: share, lateEvents: false })
    const handler = path.join(path.resolve(values.package ?? packageRoot()), 'dist', 'functions', 'oss-trigger.js')
    const payloads = corpus.keys.map((key) => JSON.stringify(ossTriggerEvent([{ bucket: BUCKET, key, size: 0, eTag: 'x' }])))
    const runs: (ContainerResult & { processSeconds: number })[] = []
    for (let i = 0; i < repeat; i++) {
      // Each container writes under its own prefix, so that no archive is already done.
      const started = performance.now()
      const child = await runContainer(
        handler,
        payloads,
        CREDENTIALS,
        { SOURCE_BUCKET: BUCKET, DEST_PREFIX: `ccc-parquet/run-${i}/`, OSS_ENDPOINT: server.endpoint },
        'trigger',
      )
      runs.push({ ...child, processSeconds: (performance.now() - started) / 1000 })
    }
    const report = {
      events,
      cccShare: share,
      handler,
      containers: repeat,
      coldSeconds: median(runs.map((r) => r.seconds[0])),
      warmSeconds: warm > 0 ? median(runs.flatMap((r) => r.seconds.slice(1))) : null,
      cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
      peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
      statuses: [...new Set(runs.flatMap((r) => r.statuses))],
      runs,
    }
    console.log(`one archive of ${events} events (CCC share ${share}) through the OSS trigger handler, median of ${repeat} containers:`)
    console.log(`  cold (process start, module loading, first invocation): ${report.coldSeconds.toFixed(3)} s`)
    console.log(
      `  warm: ${report.warmSeconds?.toFixed(3) ?? 'n/a'} s; ${report.cpuSeconds.toFixed(2)} CPU-s per container, peak RSS ${report.peakRssMB.toFixed(0)} MB; statuses ${report.statuses.join(', ')}`,
    )
    if (values.json) console.log(JSON.stringify(report))
  } finally {
    await server.close()
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`bench trigger: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
