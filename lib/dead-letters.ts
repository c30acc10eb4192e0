import { parseBackfillEvent } from './backfill/payload.js'
import { errorMessage } from './errors.js'
import { parseOssEvent } from './fc/oss-event.js'
import { deadLetterKey } from './layout.js'
import type { Storage } from './storage/types.js'

/**
 * Dead letters: asynchronous invocations (OSS trigger events, backfill batches and windows) that FC gave
 * up on after the retries and event age `s.yaml` allows. FC sends each to the failure destination, the
 * dead-letter function, which keeps it under `<dest>/_ccc_trail/dead-letters/`; `ccc-trail process
 * --replay-dead-letters` redoes what it asked for (and the hourly backfill redoes yesterday's and today's
 * archives anyway).
 */
export interface DeadLetter {
  /** When the dead-letter function received it (ISO-8601). */
  receivedAt: string
  /** The failed invocation's request id (or the dead-letter invocation's when FC's record has none). */
  requestId: string
  /** The function that failed (`requestContext.functionArn`), when FC says. */
  functionArn?: string
  /** Why FC gave up (`requestContext.condition`), when FC says. */
  condition?: string
  /** The record exactly as FC sent it: the parsed JSON, or the text when it is not JSON. */
  record: unknown /** Set by `process --replay-dead-letters` once every archive it asked for finished. */
  replayedAt?: string
}

interface DestinationRecord {
  timestamp?: unknown
  requestContext?: { requestId?: unknown; functionArn?: unknown; condition?: unknown }
  requestPayload?: unknown
}

/** The dead letter for the payload FC sends a failure destination; never throws, whatever arrives. */
export function deadLetterOf(event: unknown, receivedAt: Date, fallbackRequestId: string): DeadLetter {
  const record = asJson(event)
  const context = (isObject(record) ? (record as DestinationRecord).requestContext : undefined) ?? {}
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)
  const letter: DeadLetter = { receivedAt: receivedAt.toISOString(), requestId: text(context.requestId) ?? fallbackRequestId, record }
  const functionArn = text(context.functionArn)
  const condition = text(context.condition)
  if (functionArn) letter.functionArn = functionArn
  if (condition) letter.condition = condition
  return letter
}

export async function writeDeadLetter(dest: Storage, destPrefix: string, letter: DeadLetter): Promise<string> {
  const key = deadLetterKey(destPrefix, letter.receivedAt.slice(0, 10), letter.requestId)
  await dest.put(key, JSON.stringify(letter, null, 2) + '\n')
  return key
}

/** What redoing a dead letter means: converting these archives, listing these backfill windows, or nothing known. */
export type Replay =
  | { kind: 'archives'; keys: string[] }
  | { kind: 'window'; from?: string; to?: string; prefix?: string; failedAt: string }
  | { kind: 'unknown'; reason: string }

/** The failed invocation's payload, read as the function that failed would have read it. */
export function replayOf(letter: DeadLetter): Replay {
  const record = isObject(letter.record) ? (letter.record as DestinationRecord) : undefined
  if (record?.requestPayload === undefined) return { kind: 'unknown', reason: 'the record has no requestPayload' }
  const payload = asJson(record.requestPayload)
  const failedAt = typeof record.timestamp === 'string' && !Number.isNaN(Date.parse(record.timestamp)) ? record.timestamp : letter.receivedAt
  if (isObject(payload) && 'events' in payload) {
    try {
      return { kind: 'archives', keys: parseOssEvent(payload).map((event) => event.key) }
    } catch (error) {
      return { kind: 'unknown', reason: errorMessage(error) }
    }
  }
  try {
    const request = parseBackfillEvent(typeof payload === 'string' ? payload : JSON.stringify(payload))
    if (request.kind === 'batch') return { kind: 'archives', keys: request.keys }
    if (request.kind === 'verify-fanout') return { kind: 'unknown', reason: 'a fan-out check: nothing to redo' }
    return { kind: 'window', from: request.from, to: request.to, prefix: request.prefix, failedAt }
  } catch (error) {
    return { kind: 'unknown', reason: errorMessage(error) }
  }
}

/** JSON from bytes or text when it parses; the text itself when it does not; anything else as it is. */
function asJson(value: unknown): unknown {
  if (!Buffer.isBuffer(value) && !(value instanceof Uint8Array) && typeof value !== 'string') return value
  const text = typeof value === 'string' ? value : Buffer.from(value).toString('utf8')
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
