import { writeCatalog } from '../catalog/write-catalog.js'
import { type CompactSummary, compactTable } from '../compact/compact-table.js'
import { rollUpTable } from '../compact/rollup-table.js'
import { compactionWindow, rollUpWindow, type WindowRequest } from '../compact/window.js'
import { InvalidEventError, WindowError } from '../errors.js'
import type { InvocationDeps } from '../fc/container.js'
import type { FcContext } from '../fc/context.js'
import { timerOrDirectPayload } from '../fc/event-body.js'

/** Without `since`, a timer run looks this many days back from `before`: late archives older than that are rare. */
export const DEFAULT_LOOKBACK_DAYS = 14

export type CompactInvocationResult = CompactSummary | { invalidEvent: string }

/**
 * The compaction function: a timer event (payload as JSON text) or a direct invocation with
 * `{"date"}` or `{"before", "since"}`; `{}` compacts the days at least 2 days old within the lookback;
 * `{"rollup": true}` (the hourly timer) rolls up the part files of today and yesterday that arrived since
 * the last roll-up (docs/compaction.md), `{"rollup": true, "date"}` those of one day.
 * A bad payload is logged and answered (a retry cannot fix it); storage failures throw so FC retries,
 * and a retry is safe (interrupted compactions are finished or rolled back first). No new partition
 * starts in the last fifth of the function's time budget. The API catalog is rewritten afterwards.
 */
export async function handle(deps: InvocationDeps, event: unknown, context?: FcContext): Promise<CompactInvocationResult> {
  // The time budget runs on the real clock; the days to compact follow deps.now when a test pins it.
  const started = Date.now()
  const today = deps.now?.() ?? started
  let selection: ReturnType<typeof compactionWindow>
  let rollUp: boolean
  try {
    const { request } = timerOrDirectPayload(event)
    const window = windowRequest(request)
    rollUp = window.rollUp
    selection = rollUp
      ? rollUpWindow(deps.config.timeZone, today, window.date)
      : compactionWindow({ lookbackDays: DEFAULT_LOOKBACK_DAYS, ...window.request }, deps.config.timeZone, today)
  } catch (error) {
    if (!(error instanceof InvalidEventError || error instanceof WindowError)) throw error
    deps.log.error(`invalid compaction request: ${error.message}`, { reason: 'invalid_event' })
    return { invalidEvent: error.message }
  }
  const dest = deps.open(deps.config.dest)
  const budget = context?.function?.timeout ? context.function.timeout * 1000 : undefined
  const deadline = budget === undefined ? undefined : started + budget * 0.8
  const summary = await (rollUp ? rollUpTable : compactTable)(
    dest.storage,
    dest.prefix,
    { selection, targetBytes: deps.config.compactTargetBytes, memoryLimitBytes: deps.config.memoryLimitBytes, deadline },
    deps.log,
  )
  if (!rollUp) await writeCatalog(dest.storage, dest.prefix)
  return summary
}

function windowRequest(request: unknown): { request: WindowRequest; rollUp: boolean; date?: string } {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new InvalidEventError('the payload must be a JSON object')
  const fields = request as Record<string, unknown>
  const text = (name: string): string | undefined => {
    const value = fields[name]
    if (value === undefined) return undefined
    if (typeof value !== 'string') throw new InvalidEventError(`${name} must be a day YYYY-MM-DD`)
    return value
  }
  const lookback = fields.lookbackDays
  if (lookback !== undefined && (typeof lookback !== 'number' || !Number.isInteger(lookback) || lookback < 1))
    throw new InvalidEventError('lookbackDays must be a positive whole number')
  const rollUp = fields.rollup ?? false
  if (typeof rollUp !== 'boolean') throw new InvalidEventError('rollup must be true or false')
  if (rollUp && (fields.before !== undefined || fields.since !== undefined || lookback !== undefined))
    throw new InvalidEventError('a roll-up takes the days still receiving archives, or one date: not before, since or lookbackDays')
  const date = text('date')
  return { request: { date, before: text('before'), since: text('since'), ...(lookback !== undefined ? { lookbackDays: lookback } : {}) }, rollUp, date }
}
