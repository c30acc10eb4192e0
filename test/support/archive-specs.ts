import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'

/**
 * Arbitrary archives for the fuzz suite: valid events of the three body forms, made hostile by
 * field values (names, numbers, strings, nesting), by text edits before gzip and by byte edits
 * after it. Every case is plain data, so fast-check prints and shrinks it to a minimal archive.
 */

/** A JSON number literal of any size and form, written into the event text as is. */
export const numberLiteral = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.constantFrom(
    '9007199254740993',
    '201553751340157473',
    '123456789012345678901',
    '-0',
    '0.1',
    '1e400',
    '-1E-400',
    '1.5e+300',
    '12345678901234567.5',
    '0.12345678901234567890123',
  ),
  fc.double().filter(Number.isFinite).map(String),
)

const hostileName = fc.constantFrom('ListConfig', '../../x', '..', '.', 'a/b', 'a\u0000b', '%2F', 'a=b', '\\', 'x:y', '坐席', '\ud800', '', 'CON', ' ')

/** Raw JSON text for a field value: `lit:` literal text, otherwise a JSON value to stringify. */
const hostileValue = fc.oneof(
  numberLiteral.map((text) => ({ lit: text })),
  fc.constantFrom<unknown>('', null, true, [], {}, '\ud83d', 'a\u0000b', '\r\n'),
  fc.string({ maxLength: 8 }),
  fc.oneof(fc.nat({ max: 20 }), fc.nat({ max: 3000 })).map((depth) => ({ lit: '['.repeat(depth) + ']'.repeat(depth) })),
  fc.oneof(fc.nat({ max: 300 }), fc.nat({ max: 2 << 20 })).map((size) => 'h'.repeat(size)),
)

/** Where in an event a hostile value goes. */
const fieldPath = fc.constantFrom(
  ['eventName'],
  ['eventId'],
  ['eventTime'],
  ['eventVersion'],
  ['isGlobal'],
  ['userIdentity', 'principalId'],
  ['userIdentity', 'accountId'],
  ['requestParameters', 'CallId'],
  ['requestParameters', 'InstanceId'],
  ['responseElements'],
  ['additionalEventData', 'n'],
  ['vpcId'],
  ['serviceName'],
)

export interface EventSpec {
  ccc: boolean
  name: string
  /** Fields set to hostile values; `lit` values are spliced in as raw JSON text. */
  fields: readonly { path: readonly string[]; value: unknown }[]
  /** Repeat the eventId key inside the object (JSON.parse keeps the last). */
  duplicateKey: boolean
}

export const eventSpec: fc.Arbitrary<EventSpec> = fc.record({
  ccc: fc.boolean(),
  name: hostileName,
  fields: fc.oneof(fc.constant([]), fc.array(fc.record({ path: fieldPath, value: hostileValue }), { minLength: 1, maxLength: 3 })),
  duplicateKey: fc.boolean(),
})

export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'append'; bytes: number[] }
  | { kind: 'insertInvalidUtf8'; at: number; bytes: readonly number[] }

const textMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({
    kind: fc.constant('insertInvalidUtf8' as const),
    at: fc.nat(),
    bytes: fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]),
  }),
)

export interface ArchiveSpec {
  events: EventSpec[]
  form: 'array' | 'records' | 'ndjson'
  pretty: boolean
  crlf: boolean
  bom: boolean
  /** Edits to the JSON body before gzip. */
  body: readonly Mutation[]
  /** Split the gzip into this many members (1 = one member). */
  members: number
  /** Edits to the gzip bytes. */
  gzip: readonly Mutation[]
}

export const archiveSpec: fc.Arbitrary<ArchiveSpec> = fc.record({
  events: fc.array(eventSpec, { maxLength: 5 }),
  form: fc.constantFrom('array' as const, 'records' as const, 'ndjson' as const),
  pretty: fc.boolean(),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  body: fc.oneof({ weight: 3, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 2, arbitrary: fc.array(textMutation, { minLength: 1, maxLength: 2 }) }),
  members: fc.integer({ min: 1, max: 3 }),
  gzip: fc.oneof(
    { weight: 3, arbitrary: fc.constant<Mutation[]>([]) },
    {
      weight: 1,
      arbitrary: fc.array(
        textMutation.filter((m) => m.kind !== 'insertInvalidUtf8'),
        { minLength: 1, maxLength: 2 },
      ),
    },
  ),
})

const LITERAL = '\u0001lit:'

/** The event's JSON text, hostile literals spliced in. */
export function eventText(spec: EventSpec, index: number, pretty: boolean): string {
  const base = spec.ccc ? seedSampleEvent() : { eventId: '', serviceName: 'Ecs', eventSource: 'ecs.aliyuncs.com', eventTime: '2021-02-03T04:11:00Z' }
  const event: Record<string, unknown> = { ...base, eventId: `fuzz-${index}`, eventName: spec.name }
  const literals: string[] = []
  for (const { path, value } of spec.fields) {
    let target = event
    for (const step of path.slice(0, -1)) {
      const next = target[step]
      target = (target[step] = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...(next as object) } : {}) as Record<string, unknown>
    }
    const isLiteral = value !== null && typeof value === 'object' && 'lit' in value
    target[path[path.length - 1]] = isLiteral ? `${LITERAL}${literals.push((value as { lit: string }).lit) - 1}` : value
  }
  let text = JSON.stringify(event, null, pretty ? 2 : 0)
  text = text.replace(/"\\u0001lit:(\d+)"/g, (_, i: string) => literals[Number(i)])
  if (spec.duplicateKey) text = text.replace('{', '{"eventId":"shadowed-by-the-later-key",')
  return text
}

export function bodyText(spec: ArchiveSpec): string {
  const texts = spec.events.map((e, i) => eventText(e, i, spec.pretty && spec.form !== 'ndjson'))
  const nl = spec.crlf ? '\r\n' : '\n'
  const sep = spec.pretty ? `,${nl}` : ','
  const body =
    spec.form === 'ndjson' ? texts.map((t) => t + nl).join('') : spec.form === 'records' ? `{"Records":[${texts.join(sep)}]}` : `[${texts.join(sep)}]`
  return (spec.bom ? '\ufeff' : '') + body
}

export function mutate(bytes: Buffer, mutations: readonly Mutation[]): Buffer {
  for (const m of mutations) {
    if (bytes.length === 0 && m.kind !== 'append') continue
    const at = 'at' in m ? m.at % (bytes.length + 1) : 0
    if (m.kind === 'truncate') bytes = bytes.subarray(0, at)
    else if (m.kind === 'flip' && at < bytes.length) {
      bytes = Buffer.from(bytes)
      bytes[at] ^= m.xor
    } else if (m.kind === 'append') bytes = Buffer.concat([bytes, Buffer.from(m.bytes)])
    else if (m.kind === 'insertInvalidUtf8') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)])
  }
  return bytes
}

/** The archive's gzip bytes. */
export function archiveBytes(spec: ArchiveSpec): Buffer {
  const body = mutate(Buffer.from(bodyText(spec)), spec.body)
  const size = Math.ceil(body.length / spec.members) || 1
  const members: Buffer[] = []
  for (let i = 0; i < body.length || members.length === 0; i += size) members.push(gzipSync(body.subarray(i, i + size)))
  return mutate(Buffer.concat(members), spec.gzip)
}
