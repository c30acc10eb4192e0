import type { Event } from '../schema/columns.js'

/**
 * Some ActionTrail exports spell the event's own fields in PascalCase (`EventId`, `ServiceName`,
 * `UserIdentity.SessionContext.Attributes.MfaAuthenticated`, ...). Such an event is read in the camelCase
 * form ActionTrail delivers to OSS, so that it is classified, mapped and kept like any other: never
 * counted as non-CCC for its spelling. Only the event's own fields are renamed (the top level and the
 * userIdentity tree); requestParameters, responseElements and the other payloads keep their keys, which
 * are API names and PascalCase by nature.
 */
export type KeyCase = { kind: 'camel'; event: Event } | { kind: 'conflict'; keys: [string, string] }

/** Fields ActionTrail spells with more than a lowered first letter (`EventRW`, not `eventRw`), by lower case. */
const CANONICAL = new Map(
  ['eventRW', 'sourceIpAddress', 'acsRegion', 'recipientAccountId', 'accessKeyId', 'mfaAuthenticated'].map((name) => [name.toLowerCase(), name]),
)
/** An event in the delivered form has at least one of these; a PascalCase one has their capitalised twins. */
const MARKERS = ['eventId', 'eventName', 'eventTime', 'serviceName', 'eventSource']

/** Whether `event` is in the PascalCase form: none of the camelCase markers, some of their capitalised twins. */
export function isPascalCaseEvent(event: Event): boolean {
  return !MARKERS.some((name) => Object.hasOwn(event, name)) && MARKERS.some((name) => Object.hasOwn(event, upperFirst(name)))
}

/** The camelCase form of a PascalCase event, or the two keys that would both become one name. */
export function camelCaseEvent(event: Event): KeyCase {
  return renamed(event, (key, value) => (camel(key) === 'userIdentity' && isObject(value) ? renamed(value, deep) : { value }))
}

type Renamer = (key: string, value: unknown) => KeyCase | { value: unknown }

function deep(_key: string, value: unknown): KeyCase | { value: unknown } {
  return isObject(value) ? renamed(value, deep) : { value }
}

function renamed(object: Record<string, unknown>, inner: Renamer): KeyCase {
  const out: Record<string, unknown> = {}
  const from = new Map<string, string>()
  for (const [key, value] of Object.entries(object)) {
    const name = camel(key)
    const seen = from.get(name)
    if (seen !== undefined) return { kind: 'conflict', keys: [seen, key] }
    from.set(name, key)
    const child = inner(key, value)
    if ('kind' in child) {
      if (child.kind === 'conflict') return child
      Object.defineProperty(out, name, { value: child.event, enumerable: true, writable: true, configurable: true })
    } else Object.defineProperty(out, name, { value: child.value, enumerable: true, writable: true, configurable: true })
  }
  return { kind: 'camel', event: out }
}

function camel(key: string): string {
  const lowered = key.charAt(0).toLowerCase() + key.slice(1)
  return CANONICAL.get(key.toLowerCase()) ?? lowered
}

function upperFirst(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype
}
