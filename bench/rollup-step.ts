import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import type { CadenceStep } from './cadence.js'
import type { CadenceParameters } from './corpus.js'

const run = promisify(execFile)

/** What `node dist/bench/rollup.js --json` prints as its last line (the figures this step reports). */
interface RollUpReport {
  archives: number
  triggerSeconds: number
  partitions: number
  filesPerPartitionAfterRollUps: { max: number; mean: number }
  filesPerPartitionAfterFinalization: { max: number; mean: number }
  rollUpWith2Hours?: { cpuSeconds: number; requests: number }
  rollUpWith20Hours?: { cpuSeconds: number; requests: number }
  medianCpuNear2Hours?: number
  medianCpuNear20Hours?: number
}

/**
 * The trigger path over one day at the corpus's cadence (its archives per day, events per archive and
 * CCC share), each hour's archives followed by a roll-up, then the day's finalization: bench/rollup.ts,
 * in a child process of its own (it runs its own OSS-protocol server and generates its day there).
 * Reports the issue-27 rows: files per partition-day after the roll-ups (target <= 30), and a roll-up's
 * cost with 2 and with 20 hours already rolled (target: the same within 30%).
 */
export function rollupStep(parameters: CadenceParameters): CadenceStep {
  const perHour = Math.max(1, Math.floor(parameters.archivesPerDay / 24))
  const hours = Math.min(24, Math.ceil(parameters.archivesPerDay / perHour))
  return {
    name: 'trigger day + hourly roll-ups',
    async run(_corpus, _dir, progress) {
      progress(`  ${hours} h × ${perHour} archives of ${parameters.eventsPerArchive} events through the trigger handler, a roll-up after each hour...`)
      const args = ['--json', '--hours', String(hours), '--archives-per-hour', String(perHour), '--events', String(parameters.eventsPerArchive)]
      const script = path.join(import.meta.dirname, 'rollup.js')
      const { stdout } = await run(process.execPath, [script, ...args, '--ccc-share', String(parameters.cccShare)], { maxBuffer: 64 << 20 })
      const report = JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as RollUpReport
      const figures: Record<string, number | string> = {
        archives: report.archives,
        'trigger s': round(report.triggerSeconds, 1),
        partitions: report.partitions,
        'files per partition-day after the roll-ups, max (target <= 30)': report.filesPerPartitionAfterRollUps.max,
        'mean after the roll-ups': round(report.filesPerPartitionAfterRollUps.mean, 1),
        'after finalization, max': report.filesPerPartitionAfterFinalization.max,
      }
      const [two, twenty] = [report.rollUpWith2Hours, report.rollUpWith20Hours]
      if (two) Object.assign(figures, { 'roll-up with 2 h rolled: CPU s': round(two.cpuSeconds, 2), 'roll-up with 2 h rolled: OSS requests': two.requests })
      if (twenty)
        Object.assign(figures, { 'roll-up with 20 h rolled: CPU s': round(twenty.cpuSeconds, 2), 'roll-up with 20 h rolled: OSS requests': twenty.requests })
      if (two && twenty) figures['CPU 20 h / 2 h (target 0.7-1.3)'] = round(twenty.cpuSeconds / two.cpuSeconds, 2)
      const [near2, near20] = [report.medianCpuNear2Hours, report.medianCpuNear20Hours]
      if (near2 && near20) figures['CPU 20 h / 2 h, medians of hours 19-21 and 1-3 (target 0.7-1.3)'] = round(near20 / near2, 2)
      return figures
    },
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
