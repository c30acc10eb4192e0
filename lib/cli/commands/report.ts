import path from 'node:path'
import { loadConfig } from '../../config.js'
import { UsageError, WindowError } from '../../errors.js'
import { writeReport } from '../../report/write-report.js'
import { type Command, EXIT } from '../command.js'
import { cacheMaxMb } from '../partition-flags.js'

/** What `ccc-trail report` does; its name, summary and options are in ./index.ts, which loads this on use. */
export const action: Pick<Command, 'run'> = {
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
