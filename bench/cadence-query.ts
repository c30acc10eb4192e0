import { cpSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { addDays } from '../lib/util/days.js'
import type { CadenceStep } from './cadence.js'
import { type Measurement, measure } from './measure.js'
import { middleBy } from './median.js'

export const COUNT_BY_EVENT_NAME = 'select event_name, count(*) from ccc_events group by 1'

/**
 * Issue 27's query targets over the lake the ccc-trail bulk run left: `ccc-trail query` counting by event
 * name and `ccc-trail report` over all its days, on the lake as left and on a copy after `ccc-trail
 * compact`, and DuckDB counting the same from the raw archives. Each runs in a process of its own (wall,
 * CPU, peak RSS); the queries `runs` times each, in turn, their ratio the median of the pairs' ratios.
 */
export function queryStep(runs = DEFAULT_QUERY_PAIRS): CadenceStep {
  return {
    name: 'query',
    async run(corpus, dir, progress, lakes): Promise<Record<string, number | string>> {
      const lake = lakes?.['ccc-trail']
      if (!lake) return { skipped: 'no ccc-trail lake in this run' }
      const days = readdirSync(lake)
        .filter((name) => name.startsWith('dt='))
        .map((name) => name.slice('dt='.length))
        .sort()
      const [first, last] = [days[0]!, days.at(-1)!]
      // The compacted lake is a copy, compacted, so that the two queries can run in turn (as left, compacted, as
      // left, ...) and their ratio be taken pair by pair: a query is under a second, and the machine's speed
      // drifts more than that between two blocks of runs.
      const compactedLake = `${lake}-compacted`
      cpSync(lake, compactedLake, { recursive: true })
      const cli = (label: string, args: string[]) => measure('ccc-trail-cli', { source: lake, dest: path.join(dir, label), args }, { repeat: 1 })
      const query = (table: string) => ['query', '--dest', table, COUNT_BY_EVENT_NAME]
      const report = (table: string, label: string) => ['report', '--dest', table, '--from', first, '--to', last, '--out', path.join(dir, label, 'report.html')]

      progress('compact a copy of the lake...')
      const compaction = await cli('compact', ['compact', '--dest', compactedLake, '--before', addDays(last, 1)])
      progress(`query over ${days.length} day(s), on the lake as the bulk run left it and compacted, in turn...`)
      const pairs: { asLeft: Measurement; compacted: Measurement }[] = []
      for (let run = 0; run < runs; run++)
        pairs.push({ asLeft: await cli(`query-as-left-${run}`, query(lake)), compacted: await cli(`query-compacted-${run}`, query(compactedLake)) })
      progress('report on both...')
      const reportAsLeft = await cli('report-as-left', report(lake, 'report-as-left'))
      const reportCompacted = await cli('report-compacted', report(compactedLake, 'report-compacted'))
      progress('DuckDB counting from the raw archives...')
      const raw = await measure('duckdb-raw-query', { source: corpus.root, dest: path.join(dir, 'raw') }, { repeat: Math.min(RAW_RUNS, runs) })
      const asLeft = medianRun(pairs.map((pair) => pair.asLeft))
      const compacted = medianRun(pairs.map((pair) => pair.compacted))
      const pairRatios = pairs.map((pair) => pair.asLeft.wallSeconds / pair.compacted.wallSeconds)
      return {
        ...figures('query as left (median)', asLeft),
        ...figures('query compacted (median)', compacted),
        ...figures('DuckDB raw archives (fastest)', raw),
        'DuckDB raw CCC rows': raw.cccEvents ?? 'n/a',
        'query as left / compacted wall (median of pairs; <= 1.2)': ratio(
          middleBy(pairRatios, (value) => value),
          1,
        ),
        'DuckDB raw / query as left wall (>= 5)': ratio(raw.wallSeconds, asLeft.wallSeconds),
        'report as left peak MB (<= 1024)': Math.round(reportAsLeft.peakRssMB),
        'report compacted peak MB': Math.round(reportCompacted.peakRssMB),
        'report as left / compacted wall s': `${reportAsLeft.wallSeconds.toFixed(2)} / ${reportCompacted.wallSeconds.toFixed(2)}`,
        'compact wall s / CPU s': `${compaction.wallSeconds.toFixed(2)} / ${compaction.cpuSeconds.toFixed(2)}`,
      }
    },
  }
}

export const DEFAULT_QUERY_PAIRS = 5
/** DuckDB over the raw archives: the fastest of this many runs (fewer when the queries run fewer times). */
const RAW_RUNS = 3

function figures(label: string, m: Measurement): Record<string, string | number> {
  return { [`${label} wall s / CPU s / peak MB`]: `${m.wallSeconds.toFixed(2)} / ${m.cpuSeconds.toFixed(2)} / ${Math.round(m.peakRssMB)}` }
}

/** The run of median wall time. */
function medianRun(runs: Measurement[]): Measurement {
  return middleBy(runs, (run) => run.wallSeconds)
}

function ratio(a: number, b: number): number {
  return b > 0 ? Math.round((a / b) * 100) / 100 : 0
}
