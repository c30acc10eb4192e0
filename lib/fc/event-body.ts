import { InvalidEventError } from '../errors.js'

/**
 * The JSON an FC event handler receives: a Buffer from the runtime, a string or an already parsed
 * value from tests and local runs. An empty payload is `{}` (a manual invocation without a body).
 */
export function eventJson(event: unknown, what = 'event'): unknown {
  if (event === undefined || event === null) return {}
  if (!Buffer.isBuffer(event) && !(event instanceof Uint8Array) && typeof event !== 'string') return event
  const text = (typeof event === 'string' ? event : Buffer.from(event).toString('utf8')).trim()
  if (text === '') return {}
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new InvalidEventError(`${what} is not JSON (${(error as Error).message}); starts with ${JSON.stringify(text.slice(0, 60))}`)
  }
}

export interface TimerEvent {
  triggerTime: string
  triggerName: string
  payload: string
}

/**
 * The request of a timer-triggered or manually invoked function: a timer event carries it as the JSON
 * string `payload` (empty means `{}`); a manual invocation sends it directly.
 */
export function timerOrDirectPayload(event: unknown): { request: unknown; timer?: Omit<TimerEvent, 'payload'> } {
  const json = eventJson(event)
  if (!isTimerEvent(json)) return { request: json }
  const timer = { triggerTime: json.triggerTime, triggerName: json.triggerName }
  return { request: eventJson(json.payload, `payload of timer trigger "${json.triggerName}"`), timer }
}

function isTimerEvent(value: unknown): value is TimerEvent {
  const v = value as Partial<TimerEvent> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.triggerTime === 'string' &&
    typeof v.triggerName === 'string' &&
    (v.payload === undefined || typeof v.payload === 'string')
  )
}
