import { readdirSync } from 'node:fs'
import path from 'node:path'
import { addDays } from '../lib/util/days.js'
import type { CadenceStep } from './cadence.js'
import { type Measurement, measure } from './measure.js'

const QUERY_RUNS = 3

export const COUNT_BY_EVENT_NAME = 'select event_name, count(*) from ccc_events group by 1'

/**
 * Issue 27's query targets over the lake the ccc-trail bulk run left: `ccc-trail query` counting by event
 * name and `ccc-trail report` over all its days, on the lake as left and after `ccc-trail compact`, and
 * DuckDB counting the same from the raw archives. Each runs in a process of its own (wall, CPU, peak RSS).
 * Compaction rewrites the lake in place, so this runs after the bulk figures are taken.
 */
export const QUERY_STEP: CadenceStep = {
  name: 'query',
  async run(corpus, dir, progress, lakes): Promise<Record<string, number | string>> {
    const lake = lakes?.['ccc-trail']
    if (!lake) return { skipped: 'no ccc-trail lake in this run' }
    const days = readdirSync(lake)
      .filter((name) => name.startsWith('dt='))
      .map((name) => name.slice('dt='.length))
      .sort()
    const [first, last] = [days[0]!, days.at(-1)!]
    // Queries take under a second or two: the fastest of three, so one disturbed run (the page cache settling
    // after the bulk run's writes) does not make a ratio. Reports and the compaction run once.
    const cli = (label: string, args: string[], repeat = 1) => measure('ccc-trail-cli', { source: lake, dest: path.join(dir, label), args }, { repeat })
    const query = ['query', '--dest', lake, COUNT_BY_EVENT_NAME]
    const report = (label: string) => ['report', '--dest', lake, '--from', first, '--to', last, '--out', path.join(dir, label, 'report.html')]

    progress(`query and report over ${days.length} day(s), on the lake as the bulk run left it...`)
    const asLeft = await cli('query-as-left', query, QUERY_RUNS)
    const reportAsLeft = await cli('report-as-left', report('report-as-left'))
    progress('compact...')
    const compaction = await cli('compact', ['compact', '--dest', lake, '--before', addDays(last, 1)])
    progress('query and report on the compacted lake...')
    const compacted = await cli('query-compacted', query, QUERY_RUNS)
    const reportCompacted = await cli('report-compacted', report('report-compacted'))
    progress('DuckDB counting from the raw archives...')
    const raw = await measure('duckdb-raw-query', { source: corpus.root, dest: path.join(dir, 'raw') }, { repeat: QUERY_RUNS })
    return {
      ...figures('query as left', asLeft),
      ...figures('query compacted', compacted),
      ...figures('DuckDB raw archives', raw),
      'DuckDB raw CCC rows': raw.cccEvents ?? 'n/a',
      'query as left / compacted wall (<= 1.2)': ratio(asLeft.wallSeconds, compacted.wallSeconds),
      'DuckDB raw / query as left wall (>= 5)': ratio(raw.wallSeconds, asLeft.wallSeconds),
      'report as left peak MB (<= 1024)': Math.round(reportAsLeft.peakRssMB),
      'report compacted peak MB': Math.round(reportCompacted.peakRssMB),
      'report as left / compacted wall s': `${reportAsLeft.wallSeconds.toFixed(2)} / ${reportCompacted.wallSeconds.toFixed(2)}`,
      'compact wall s / CPU s': `${compaction.wallSeconds.toFixed(2)} / ${compaction.cpuSeconds.toFixed(2)}`,
    }
  },
}

function figures(label: string, m: Measurement): Record<string, string | number> {
  return { [`${label} wall s / CPU s / peak MB`]: `${m.wallSeconds.toFixed(2)} / ${m.cpuSeconds.toFixed(2)} / ${Math.round(m.peakRssMB)}` }
}

function ratio(a: number, b: number): number {
  return b > 0 ? Math.round((a / b) * 100) / 100 : 0
}
