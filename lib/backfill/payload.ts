import { InvalidEventError } from '../errors.js'
import { timerOrDirectPayload } from '../fc/event-body.js'

/** What an invocation of the backfill function asks for. */
export type BackfillRequest =
  | { kind: 'window'; from?: string; to?: string; prefix?: string; resume?: string }
  | { kind: 'batch'; keys: string[] }
  | { kind: 'verify-fanout' }

/** The one key of the batch `{"verifyFanout": true}` sends the worker: not an archive, so the worker skips it without reading. */
export const FANOUT_PROBE_KEY = 'ccc-trail/verify-fanout'

const WINDOW_FIELDS = ['from', 'to', 'prefix', 'resume'] as const

/**
 * Accepts a timer event `{"triggerTime","triggerName","payload":"<JSON string>"}`, a manual
 * invocation with the window JSON itself `{"from","to","prefix"}` (all optional; an empty event
 * means the default window), a continuation `{..., "resume": "<checkpoint key>"}`, or a worker
 * batch `{"batch": ["<archive key>", ...]}`, or `{"verifyFanout": true}` (a check of the role after deploy).
 * Anything else is an InvalidEventError saying why.
 */
export function parseBackfillEvent(event: unknown): BackfillRequest {
  const { request, timer } = timerOrDirectPayload(event)
  const where = timer ? `payload of timer trigger "${timer.triggerName}"` : 'event'
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw new InvalidEventError(`${where} must be a JSON object such as {"from":"2021-02-01","to":"2021-02-28"}, got ${JSON.stringify(request)}`)
  }
  const body = request as Record<string, unknown>
  if (!timer && 'verifyFanout' in body) {
    checkFields(body, ['verifyFanout'], 'verify event')
    if (body.verifyFanout !== true) throw new InvalidEventError('verify event: "verifyFanout" must be true')
    return { kind: 'verify-fanout' }
  }
  return !timer && 'batch' in body ? batchRequest(body) : windowRequest(body, where)
}

function windowRequest(body: Record<string, unknown>, where: string): BackfillRequest {
  checkFields(body, WINDOW_FIELDS, where)
  const request: BackfillRequest = { kind: 'window' }
  for (const field of WINDOW_FIELDS) {
    const value = body[field]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') throw new InvalidEventError(`${where}: "${field}" must be a string, got ${JSON.stringify(value)}`)
    request[field] = value
  }
  return request
}

function batchRequest(body: Record<string, unknown>): BackfillRequest {
  checkFields(body, ['batch'], 'batch event')
  const { batch } = body
  if (!Array.isArray(batch) || batch.length === 0 || !batch.every((key) => typeof key === 'string' && key.length > 0)) {
    throw new InvalidEventError('batch event: "batch" must be a non-empty array of archive keys')
  }
  return { kind: 'batch', keys: [...new Set(batch as string[])] }
}

function checkFields(body: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(body).filter((field) => !allowed.includes(field))
  if (unknown.length === 0) return
  const names = unknown.map((field) => `"${field}"`).join(', ')
  throw new InvalidEventError(`${where}: unknown field${unknown.length > 1 ? 's' : ''} ${names} (allowed: ${allowed.join(', ')})`)
}
