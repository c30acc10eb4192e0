import { dispatchAlerts } from '../../alerts/dispatch.js'
import { type Evaluation, evaluateRules } from '../../alerts/evaluate.js'
import { alertMessage } from '../../alerts/message.js'
import { recordSightings } from '../../alerts/state.js'
import { lookBackDays, newestDay, sightingsBefore, windowRows } from '../../alerts/table-window.js'
import { loadConfig } from '../../config.js'
import { UsageError } from '../../errors.js'
import { describeLocation } from '../../location.js'
import { withDuckDb } from '../../query/duckdb.js'
import { localTable } from '../../query/local-table.js'
import { createViews } from '../../query/views.js'
import { locationOpener } from '../../storage/open.js'
import { addDays, isDay } from '../../util/days.js'
import { type Command, EXIT } from '../command.js'

/** What `ccc-trail alerts` does; its name, summary and options are in ./index.ts, which loads this on use. */
export const action: Pick<Command, 'run'> = {
  async run(input) {
    const config = loadConfig(input.env, typeof input.values.dest === 'string' ? { DEST: input.values.dest } : {})
    const from = input.values.from as string | undefined
    const to = (input.values.to as string | undefined) ?? from
    const dryRun = input.values['dry-run'] === true
    const rebuild = input.values['rebuild-state'] === true
    const resend = input.values.resend === true
    for (const [flag, value] of [
      ['--from', from],
      ['--to', to],
    ] as const)
      if (value !== undefined && !isDay(value)) throw new UsageError(`${flag} must be a date YYYY-MM-DD, got "${value}"`)
    if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`)
    if (!from && input.values.to !== undefined && !rebuild) throw new UsageError('--to needs --from (or --rebuild-state)')
    if (!from && !resend && !rebuild) throw new UsageError('give --from/--to (the days to evaluate), --resend or --rebuild-state')
    const { alerts: settings } = config
    if (!dryRun && (from || resend) && !settings.webhook) throw new UsageError('ALERT_WEBHOOK_URL is not set: nowhere to send alerts (or use --dry-run)')

    const dest = locationOpener(config.oss)(config.dest)
    const destText = describeLocation(dest.spec)
    const target = { storage: dest.storage, destPrefix: dest.prefix, message: { dest: destText, workHours: settings.workHours }, log: input.log }

    let evaluation: Evaluation | undefined
    let rebuilt: Evaluation['sightings'] | undefined
    if (from || rebuild) {
      const days = lookBackDays(settings.rules)
      // Only the days evaluated and the look-back before them are fetched (an OSS table is mirrored).
      const bounds = from && to && !rebuild ? { days: [{ from: addDays(from, -days), to }] } : {}
      const table = await localTable(dest, { bounds, cacheDir: input.values.cache as string | undefined })
      await withDuckDb(async (duck) => {
        const db = await createViews(duck, table)
        if (from && to) {
          const rows = await windowRows(db, from, to)
          evaluation = evaluateRules(settings.rules, rows, { workHours: settings.workHours, seen: await sightingsBefore(db, from, days) })
          input.out(`${rows.length} rows from ${from} to ${to}: ${evaluation.alerts.length} alert(s)`)
        }
        if (rebuild) {
          const end = to ?? (await newestDay(db))
          rebuilt = end ? asSightings(await sightingsBefore(db, addDays(end, 1), days)) : new Map()
        }
      })
    }
    if (dryRun) {
      if (evaluation?.alerts.length) input.out(alertMessage(evaluation.alerts, target.message).text)
      if (rebuilt) input.out(`--rebuild-state would write ${rebuilt.size} sighting(s)`)
      return EXIT.ok
    }
    if (rebuilt) input.out(`rebuilt ${await recordSightings(dest.storage, dest.prefix, rebuilt, new Map())} sighting(s) under _ccc_trail/alerts/seen/`)
    if (!settings.webhook || !(evaluation || resend)) return EXIT.ok
    const result = await dispatchAlerts({ ...target, webhook: settings.webhook }, evaluation?.alerts ?? [])
    input.out(
      result.delivered
        ? `sent one message with ${result.sent} alert(s); ${result.duplicates} already sent before`
        : result.kept
          ? `not delivered: ${result.kept} alert(s) kept under _ccc_trail/alerts/failed/ for the next run`
          : `nothing to send; ${result.duplicates} alert(s) already sent before`,
    )
    return result.kept > 0 ? EXIT.failed : EXIT.ok
  },
}

function asSightings(seen: Map<string, number>): Evaluation['sightings'] {
  const out: Evaluation['sightings'] = new Map()
  for (const [key, time] of seen) {
    const [kind, value] = key.split('\u0000') as ['caller' | 'source_address', string]
    out.set(key, { kind, value, time })
  }
  return out
}
