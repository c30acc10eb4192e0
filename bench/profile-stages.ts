import { readFileSync } from 'node:fs'

/**
 * CPU time of a `node --cpu-prof` profile by pipeline stage (self time of each sampled function,
 * bucketed by where it lives). Usage: node dist/bench/profile-stages.js <file.cpuprofile> [--top N]
 * Profile one thread: `node --cpu-prof bin/ccc-trail.js process --workers 1 --source ... --dest ...`.
 */
interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const ENCODER_MODULES = [
  'hyparquet',
  'write/parquet',
  'write/fixed-schema',
  'write/snappy',
  'write/thrift',
  'write/rle',
  'write/byte-sink',
  'write/statistics',
  'internal/encoding',
]

/** First match wins: a self sample belongs to the module it ran in. */
const STAGES: [stage: string, test: (fn: string, url: string) => boolean][] = [
  ['gunzip', (fn, url) => url.includes('zlib') || fn === 'processChunkSync'],
  ['pre-filter', (fn, url) => url.includes('normalize/prefilter') || fn === 'indexOfBuffer'],
  ['parse + normalize', (_, url) => url.includes('decode/parse-event') || url.includes('decode/exact') || url.includes('normalize/')],
  ['split', (_, url) => url.includes('decode/')],
  ['route + buffer rows', (_, url) => url.includes('write/router') || url.includes('write/partition') || url.includes('util/fingerprint')],
  ['Parquet encoding', (_, url) => ENCODER_MODULES.some((module) => url.includes(module))],
  [
    'file writes (syscalls)',
    (fn) =>
      [
        'openFileHandle',
        'stat',
        'fstat',
        'rename',
        'writeBuffer',
        'writeFileHandle',
        'close',
        'mkdir',
        'randomFillSync',
        'lstat',
        'readdir',
        'read',
        'open',
        'writeString',
      ].includes(fn),
  ],
  ['garbage collection', (fn) => fn === '(garbage collector)'],
  ['module loading', (fn, url) => url.includes('loader') || url.includes('bootstrap') || fn === 'compileForInternalLoader'],
  ['idle', (fn) => fn === '(idle)'],
]

const [file, flag, top] = process.argv.slice(2)
if (!file) {
  process.stderr.write('usage: profile-stages.js <file.cpuprofile> [--top N]\n')
  process.exit(2)
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const byStage = new Map<string, number>()
const byFunction = new Map<string, number>()
let total = 0
profile.samples.forEach((id, i) => {
  const micros = profile.timeDeltas[i] ?? 0
  const { functionName, url } = byId.get(id)!.callFrame
  const stage = STAGES.find(([, test]) => test(functionName, url))?.[0] ?? 'other (JS engine, JIT, libraries)'
  byStage.set(stage, (byStage.get(stage) ?? 0) + micros)
  const name = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}`
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros)
  total += micros
})
const ms = (micros: number) => (micros / 1000).toFixed(0).padStart(7)
console.log('| stage | ms | share |\n|---|---:|---:|')
for (const [stage, micros] of [...byStage].sort((a, b) => b[1] - a[1]))
  console.log(`| ${stage} | ${ms(micros).trim()} | ${((100 * micros) / total).toFixed(0)}% |`)
console.log(`| total sampled | ${ms(total).trim()} | |`)
if (flag === '--top') for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(top) || 20)) console.log(ms(micros), name)
