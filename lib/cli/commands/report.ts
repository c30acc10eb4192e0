import path from 'node:path'
import { loadConfig } from '../../config.js'
import { UsageError, WindowError } from '../../errors.js'
import { DEFAULT_TIME_ZONE, DEFAULT_WORK_HOURS } from '../../report/window.js'
import { writeReport } from '../../report/write-report.js'
import { type Command, EXIT } from '../command.js'
import { LOCATION_OPTIONS } from '../flags.js'
import { CACHE_OPTIONS, cacheMaxMb } from '../partition-flags.js'

export const reportCommand: Command = {
  name: 'report',
  summary: 'write the audit report: one self-contained HTML page (overview, customer-data access, administration, failures, newcomers, after hours)',
  options: {
    dest: LOCATION_OPTIONS.dest,
    from: {
      type: 'string',
      description: 'first day (dt) of the report (default: 6 days before --to; without --to, no earlier than the oldest day present)',
      placeholder: 'YYYY-MM-DD',
    },
    to: {
      type: 'string',
      description: 'last day (dt) of the report (default: the newest day in the table, or 6 days after --from)',
      placeholder: 'YYYY-MM-DD',
    },
    out: { type: 'string', description: 'the HTML file to write (default report.html)', placeholder: 'file' },
    'work-hours': { type: 'string', description: `working hours, start-end on the local clock (default ${DEFAULT_WORK_HOURS})`, placeholder: 'HH-HH' },
    'time-zone': { type: 'string', description: `IANA time zone of working hours and shown times (default ${DEFAULT_TIME_ZONE})`, placeholder: 'zone' },
    ...CACHE_OPTIONS,
  },
  async run(input) {
    const config = loadConfig(input.env, typeof input.values.dest === 'string' ? { DEST: input.values.dest } : {})
    const out = path.resolve((input.values.out as string | undefined) ?? 'report.html')
    const written = await writeReport(config, out, {
      from: input.values.from as string | undefined,
      to: input.values.to as string | undefined,
      workHours: input.values['work-hours'] as string | undefined,
      timeZone: input.values['time-zone'] as string | undefined,
      cache: input.values.cache as string | undefined,
      cacheMaxMb: cacheMaxMb(input.values),
    }).catch((error: unknown) => {
      // The report's own checks of --from/--to/--work-hours/--time-zone.
      throw error instanceof WindowError ? new UsageError(error.message) : error
    })
    input.out(`Wrote the audit report for ${written.from} to ${written.to} to ${out}`)
    return EXIT.ok
  },
}
