import type { BenchCorpus } from './corpus.js'
import type { Measurement } from './measure.js'

export interface Result {
  name: string
  wallSeconds: number
  eventsPerSecond: number
  /** Decompressed JSON MB per second. */
  inputMBPerSecond: number
  cpuSeconds: number
  peakRssMB: number
  outputBytes: number
  /** CCC rows the variant produced, as DuckDB reads them back (the floor: CCC events it counted). */
  rows: number
  /** Seconds per phase, for variants that report them. */
  phases?: Record<string, number>
}

export interface BoundedMemory {
  kind: string
  jsonMB: number
  gzipMB: number
  events: number
  memoryLimitMB: number
  wallSeconds: number
  peakRssMB: number
  underBound: boolean
}

export interface BenchReport {
  corpus: { events: number; archives: number; seed: number; cccShare: number; cccEvents: number; gzipBytes: number; jsonBytes: number }
  results: Result[]
  /** ccc-trail wall time / the other's; null when either was not run. */
  ratios: { vsDuckdb: number | null; vsFloor: number | null; vsParquetjsLite: number | null }
  /** ccc-trail CPU seconds / the other's (what an FC user pays for); null when either was not run. */
  cpuRatios: { vsDuckdb: number | null; vsFloor: number | null }
  /** CPU seconds (user + system) per variant, by name. */
  cpuSeconds: Record<string, number>
  boundedMemory: BoundedMemory[]
  machine: { cpus: number; cpuModel: string; node: string }
}

const MB = 1024 * 1024

export function resultOf(measurement: Measurement, corpus: BenchCorpus, rows: number): Result {
  const { name, wallSeconds, cpuSeconds, peakRssMB, outputBytes, phases } = measurement
  return {
    ...(phases && { phases: Object.fromEntries(Object.entries(phases).map(([phase, seconds]) => [phase, round(seconds, 3)])) }),
    name,
    wallSeconds: round(wallSeconds, 3),
    eventsPerSecond: Math.round(corpus.events / wallSeconds),
    inputMBPerSecond: round(corpus.jsonBytes / MB / wallSeconds, 1),
    cpuSeconds: round(cpuSeconds, 2),
    peakRssMB: round(peakRssMB, 1),
    outputBytes,
    rows,
  }
}

export function ratiosOf(results: Result[]): BenchReport['ratios'] {
  const ratio = ratioOf(results, 'wallSeconds')
  return { vsDuckdb: ratio('duckdb'), vsFloor: ratio('floor'), vsParquetjsLite: ratio('ccc-trail+parquetjs-lite') }
}

export function cpuRatiosOf(results: Result[]): BenchReport['cpuRatios'] {
  const ratio = ratioOf(results, 'cpuSeconds')
  return { vsDuckdb: ratio('duckdb'), vsFloor: ratio('floor') }
}

function ratioOf(results: Result[], figure: 'wallSeconds' | 'cpuSeconds'): (other: string) => number | null {
  const value = (name: string) => results.find((r) => r.name === name)?.[figure]
  return (other) => {
    const [ours, theirs] = [value('ccc-trail'), value(other)]
    return ours === undefined || theirs === undefined || theirs === 0 ? null : round(ours / theirs, 3)
  }
}

export function cpuSecondsOf(results: Result[]): Record<string, number> {
  return Object.fromEntries(results.map((r) => [r.name, r.cpuSeconds]))
}

export function tableLines(report: BenchReport): string[] {
  const { corpus } = report
  const header = ['variant', 'wall s', 'events/s', 'JSON MB/s', 'CPU s', 'peak RSS MB', 'output MB', 'rows']
  const rows = report.results.map((r) => [
    r.name,
    r.wallSeconds.toFixed(2),
    String(r.eventsPerSecond),
    r.inputMBPerSecond.toFixed(1),
    r.cpuSeconds.toFixed(2),
    r.peakRssMB.toFixed(0),
    (r.outputBytes / MB).toFixed(1),
    String(r.rows),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')
  const lines = [
    `corpus: ${corpus.events} events (${corpus.cccEvents} CCC, share ${corpus.cccShare}) in ${corpus.archives} archives, ${(corpus.gzipBytes / MB).toFixed(1)} MB gzip, ${(corpus.jsonBytes / MB).toFixed(1)} MB JSON, seed ${corpus.seed}`,
    `machine: ${report.machine.cpus} cores, ${report.machine.cpuModel}, Node ${report.machine.node}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `ccc-trail wall time / other: vs DuckDB ${report.ratios.vsDuckdb ?? 'n/a'}, vs floor ${report.ratios.vsFloor ?? 'n/a'}, vs parquetjs-lite ${report.ratios.vsParquetjsLite ?? 'n/a'}`,
    `ccc-trail CPU time / other: vs DuckDB ${report.cpuRatios.vsDuckdb ?? 'n/a'}, vs floor ${report.cpuRatios.vsFloor ?? 'n/a'}`,
  ]
  for (const { name, phases } of report.results) {
    const timed = Object.entries(phases ?? {}).map(([phase, seconds]) => `${phase} ${seconds.toFixed(2)} s`)
    if (timed.length) lines.push(`${name} phases: ${timed.join(', ')}`)
  }
  for (const big of report.boundedMemory) {
    lines.push(
      `bounded memory: one ${big.kind} archive of ${big.jsonMB.toFixed(0)} MB JSON (${big.events} events, ${big.gzipMB.toFixed(1)} MB gzip) with MEMORY_LIMIT_MB=${big.memoryLimitMB}: ` +
        `peak RSS ${big.peakRssMB.toFixed(0)} MB (${big.underBound ? 'within' : 'OVER'} the bound + 64 MB), ${big.wallSeconds.toFixed(1)} s`,
    )
  }
  return lines
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
