import { canonicalJson, field, setOwn } from '../schema/coerce.js'
import { type Event, FIELD_COLUMNS, type Value } from '../schema/columns.js'

/**
 * The `unmapped` column: the event minus every field a column holds exactly, as canonical JSON, NULL
 * when nothing is left. An object emptied by the removal is pruned; one that arrived empty is kept.
 * Only the objects columns reach into are walked (the top level, userIdentity, sessionContext,
 * attributes), and nothing is copied unless a field is removed from it.
 */
export function unmappedOf(event: Event, row: readonly Value[]): string | null {
  const rest = residual(event, ROOT, row, event)
  return rest === GONE ? null : canonicalJson(rest)
}

/**
 * The event name is held by the partition when every engine reads the folder name back as the same
 * text: plain API-like names. Anything else (escaped characters, "", "NULL", a number) stays in unmapped.
 */
export function partitionHoldsName(name: unknown): boolean {
  return typeof name === 'string' && PLAIN_NAME.test(name) && !NULL_NAME.test(name)
}

const PLAIN_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/
const NULL_NAME = /^null$/i

type Holder = (raw: unknown, row: readonly Value[], event: Event) => boolean
interface Node {
  holds?: Holder
  children?: Map<string, Node>
}

const GONE = Symbol('gone')

const ROOT = fieldTree()

function fieldTree(): Map<string, Node> {
  const root = new Map<string, Node>()
  const add = (path: readonly string[], holds: Holder) => {
    let level = root
    for (const key of path.slice(0, -1)) {
      let node = level.get(key)
      if (!node) level.set(key, (node = {}))
      level = node.children ??= new Map()
    }
    level.set(path[path.length - 1], { holds })
  }
  for (const { index, path, fallback, holds } of FIELD_COLUMNS) {
    add(path, (raw, row) => holds(raw, row[index]))
    // The column read the fallback only when its own path was absent; only then does it hold it.
    if (fallback) add(fallback, (raw, row, event) => valueAt(event, path) === undefined && holds(raw, row[index]))
  }
  add(['eventName'], partitionHoldsName)
  return root
}

/** The object without the fields held, the object itself when none is, GONE when every field is. */
function residual(object: Record<string, unknown>, level: Map<string, Node>, row: readonly Value[], event: Event): Record<string, unknown> | typeof GONE {
  const keys = Object.keys(object)
  let out: Record<string, unknown> | undefined
  let kept = 0
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    const value = object[key]
    let rest: unknown = value
    const node = level.get(key)
    if (node !== undefined) {
      if (node.holds !== undefined) {
        if (node.holds(value, row, event)) rest = GONE
      } else if (node.children !== undefined && isPlainObject(value)) {
        rest = residual(value, node.children, row, event)
      }
    }
    if (rest !== value && out === undefined) {
      out = {}
      for (let j = 0; j < i; j++) setOwn(out, keys[j], object[keys[j]])
    }
    if (rest === GONE) continue
    kept++
    if (out !== undefined) setOwn(out, key, rest)
  }
  if (out === undefined) return object
  return kept === 0 ? GONE : out
}

function valueAt(event: Event, path: readonly string[]): unknown {
  return path.reduce<unknown>((object, key) => field(object, key), event)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
