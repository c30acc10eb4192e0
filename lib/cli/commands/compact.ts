import { writeCatalog } from '../../catalog/write-catalog.js'
import type { PartitionSummary } from '../../compact/compact-partition.js'
import { type CompactSummary, compactTable } from '../../compact/compact-table.js'
import type { DateSelection } from '../../compact/partitions.js'
import { rollUpTable } from '../../compact/rollup-table.js'
import { compactionWindow, rollUpWindow } from '../../compact/window.js'
import { loadConfig, type Settings } from '../../config.js'
import { UsageError, WindowError } from '../../errors.js'
import { partitionPath } from '../../layout.js'
import { locationOpener } from '../../storage/open.js'
import { type Command, EXIT } from '../command.js'

/** What `ccc-trail compact` does; its name, summary and options are in ./index.ts, which loads this on use. */
export const action: Pick<Command, 'run'> = {
  async run(input) {
    const overrides: Settings = {}
    if (typeof input.values.dest === 'string') overrides.DEST = input.values.dest
    if (typeof input.values['target-mb'] === 'string') overrides.COMPACT_TARGET_MB = input.values['target-mb']
    const config = loadConfig(input.env, overrides)
    const rollUp = Boolean(input.values.rollup)
    const selection = window(input.values, config.timeZone, rollUp)
    const dest = locationOpener(config.oss)(config.dest)
    const json = Boolean(input.values.json)
    if (!json)
      input.out(`${rollUp ? 'rolling up' : 'compacting'} ${describeSelection(selection)}, target ${(config.compactTargetBytes / 1024 / 1024).toFixed(0)} MB`)
    const summary = await (rollUp ? rollUpTable : compactTable)(
      dest.storage,
      dest.prefix,
      {
        selection,
        targetBytes: config.compactTargetBytes,
        memoryLimitBytes: config.memoryLimitBytes,
        wait: Boolean(input.values.wait),
        onPartition: (p) => {
          if (json) input.out(JSON.stringify(p))
          else if (p.status !== 'unchanged' || p.recovered > 0) input.out(partitionLine(p))
        },
      },
      input.log,
    )
    if (!rollUp) await writeCatalog(dest.storage, dest.prefix)
    if (json) input.out(JSON.stringify({ summary }))
    else for (const line of summaryLines(summary)) input.out(line)
    return EXIT.ok
  },
}

function window(values: Record<string, unknown>, timeZone: string, rollUp: boolean): DateSelection {
  const pick = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined)
  try {
    if (rollUp && (pick('before') || pick('since')))
      throw new WindowError('--rollup takes the days still receiving archives, or --date; not --before or --since')
    if (rollUp) return rollUpWindow(timeZone, Date.now(), pick('date'))
    return compactionWindow({ date: pick('date'), before: pick('before'), since: pick('since') }, timeZone)
  } catch (error) {
    if (error instanceof WindowError) throw new UsageError(error.message)
    throw error
  }
}

function describeSelection(selection: DateSelection): string {
  if (selection.date) return `dt = ${selection.date}`
  return [selection.since && `dt >= ${selection.since}`, selection.before && `dt < ${selection.before}`].filter(Boolean).join(' and ') || 'every dt'
}

export function partitionLine(p: PartitionSummary): string {
  const where = partitionPath(p.dt, p.eventName).slice(0, -1)
  if (p.status === 'skipped') return `${'skipped'.padEnd(10)} ${where}  another run holds its lease: ${p.heldBy} (--wait waits for it)`
  const rows =
    p.rowsBefore === null
      ? ''
      : `  rows ${p.rowsBefore} -> ${p.rowsAfter}${p.duplicates ? `  duplicates ${p.duplicates}` : ''}${p.superseded ? `  superseded ${p.superseded}` : ''}`
  const recovered = p.recovered ? `  (finished ${p.recovered} interrupted compaction${p.recovered === 1 ? '' : 's'})` : ''
  return `${p.status.padEnd(10)} ${where}  files ${p.filesBefore} -> ${p.filesAfter}  bytes ${size(p.bytesBefore)} -> ${size(p.bytesAfter)}${rows}${recovered}`
}

export function summaryLines(s: CompactSummary): string[] {
  return [
    `partitions ${s.partitions}: compacted ${s.compacted}, unchanged ${s.unchanged}${s.skipped ? `, skipped ${s.skipped} (another run holds them)` : ''}${s.recovered ? `, interrupted compactions finished ${s.recovered}` : ''}${s.stoppedEarly ? ' (stopped early: time budget)' : ''}`,
    `files ${s.filesBefore} -> ${s.filesAfter}, bytes ${size(s.bytesBefore)} -> ${size(s.bytesAfter)}`,
    `rows of compacted partitions ${s.rowsBefore} -> ${s.rowsAfter} (duplicate event ids dropped ${s.duplicates}, superseded rows dropped ${s.superseded}) in ${(s.millis / 1000).toFixed(1)} s`,
  ]
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`
}
