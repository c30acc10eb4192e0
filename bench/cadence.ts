import path from 'node:path'
import { processLaunch } from './cli-launch.js'
import type { BenchCorpus } from './corpus.js'
import { type LakeShape, lakeShape } from './lake-shape.js'
import { measure } from './measure.js'

/** One bulk conversion of the real-cadence corpus, as the issue-27 targets read it. */
export interface CadenceResult extends LakeShape {
  name: string
  wallSeconds: number
  cpuSeconds: number
  peakRssMB: number
  rows: number
  /** ccc-trail only: the worker threads `ccc-trail process` chose (1 = in-process, with the heap it relaunches with). */
  workers?: number
}

/**
 * A further step of the cadence bench, after the bulk runs (the trigger path over one day followed by
 * roll-ups: bench/rollup-step.ts): it gets the corpus and a folder of its own and reports named figures.
 */
export interface CadenceStep {
  name: string
  run(
    corpus: BenchCorpus,
    dir: string,
    progress: (line: string) => void,
    /** The table each bulk variant wrote, by variant name. */
    lakes?: Record<string, string>,
  ): Promise<Record<string, number | string>>
}

export interface CadenceReport {
  bulk: CadenceResult[]
  /** ccc-trail's figure / DuckDB's, for each target of the issue; null when either was not run. */
  ratios: { wall: number | null; cpu: number | null; bytes: number | null; filesPerPartition: number | null }
  steps: { name: string; figures: Record<string, number | string> }[]
}

export const BULK_VARIANTS = ['duckdb', 'ccc-trail'] as const

export async function runCadence(
  corpus: BenchCorpus,
  dir: string,
  options: {
    repeat: number
    variants: readonly string[]
    /** Run after the bulk runs, in order (the query step compacts the ccc-trail lake in place: keep it last). */
    steps: readonly CadenceStep[]
    countRows: (root: string) => Promise<number>
    progress: (line: string) => void
  },
): Promise<CadenceReport> {
  const bulk: CadenceResult[] = []
  const lakes: Record<string, string> = {}
  for (const name of options.variants) {
    options.progress(`running ${name} over the real-cadence corpus...`)
    // ccc-trail runs as `ccc-trail process` does by default: on the worker threads it would choose, or in-process with its heap flags.
    const launch = name === 'ccc-trail' ? await processLaunch(corpus.root) : undefined
    const dest = path.join(dir, 'out', `cadence-${name}`)
    const measurement = await measure(name, { source: corpus.root, dest }, { repeat: options.repeat, nodeFlags: launch?.nodeFlags })
    bulk.push({
      name,
      ...(launch && { workers: launch.workers }),
      wallSeconds: round(measurement.wallSeconds, 3),
      cpuSeconds: round(measurement.cpuSeconds, 2),
      peakRssMB: round(measurement.peakRssMB, 1),
      rows: await options.countRows(measurement.dest),
      ...lakeShape(measurement.dest),
    })
    lakes[name] = measurement.dest
  }
  const steps = []
  for (const step of options.steps) {
    options.progress(`running ${step.name}...`)
    const figures = await step.run(corpus, path.join(dir, 'out', `cadence-step-${step.name}`), options.progress, lakes)
    steps.push({ name: step.name, figures })
  }
  const ratio = (figure: (r: CadenceResult) => number) => {
    const [ours, theirs] = ['ccc-trail', 'duckdb'].map((name) => bulk.find((r) => r.name === name))
    return ours && theirs && figure(theirs) > 0 ? round(figure(ours) / figure(theirs), 3) : null
  }
  return {
    bulk,
    ratios: {
      wall: ratio((r) => r.wallSeconds),
      cpu: ratio((r) => r.cpuSeconds),
      bytes: ratio((r) => r.bytes),
      filesPerPartition: ratio((r) => r.files / Math.max(1, r.partitions)),
    },
    steps,
  }
}

const MB = 1024 * 1024

export function cadenceLines(corpus: BenchCorpus, report: CadenceReport): string[] {
  const header = ['variant', 'wall s', 'CPU s', 'peak RSS MB', 'files', 'output MB', 'partitions', 'files/partition', 'max/partition', 'rows']
  const rows = report.bulk.map((r) => [
    r.name,
    r.wallSeconds.toFixed(2),
    r.cpuSeconds.toFixed(2),
    r.peakRssMB.toFixed(0),
    String(r.files),
    (r.bytes / MB).toFixed(1),
    String(r.partitions),
    r.meanFilesPerPartition.toFixed(2),
    String(r.maxFilesPerPartition),
    String(r.rows),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')
  const { ratios } = report
  const lines = [
    `real cadence: ${corpus.archives} archives (${corpus.events} events, ${corpus.cccEvents} CCC), ${(corpus.bytes / MB).toFixed(1)} MB gzip, ${(corpus.jsonBytes / MB).toFixed(1)} MB JSON, seed ${corpus.parameters.seed}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `ccc-trail / DuckDB: wall ${ratios.wall ?? 'n/a'} (target <= 2.0), CPU ${ratios.cpu ?? 'n/a'} (<= 2.5), bytes ${ratios.bytes ?? 'n/a'} (<= 1.3), files per partition ${ratios.filesPerPartition ?? 'n/a'}`,
  ]
  const ours = report.bulk.find((r) => r.name === 'ccc-trail')
  if (ours) lines.push(`ccc-trail files / partitions: ${(ours.files / Math.max(1, ours.partitions)).toFixed(2)} (target <= 2)`)
  if (ours?.workers !== undefined)
    lines.push(
      `ccc-trail ran as \`ccc-trail process\` does by default: ${ours.workers > 1 ? `on ${ours.workers} worker threads` : 'in-process, with the heap flags it relaunches with'}`,
    )
  for (const step of report.steps)
    lines.push(
      `${step.name}: ${Object.entries(step.figures)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    )
  const counts = new Set(report.bulk.map((r) => r.rows))
  if (counts.size > 1) lines.push(`WARNING: the variants disagree on the CCC row count: ${report.bulk.map((r) => `${r.name} ${r.rows}`).join(', ')}`)
  return lines
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
