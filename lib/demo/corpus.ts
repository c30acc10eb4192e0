import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import type { Storage } from '../storage/types.js'
import { type BodyForm, encodeBody, putArchive } from './archive.js'
import { cccEvent, type DemoEvent, noiseEvent } from './events.js'
import { createRng, type Rng } from './rng.js'

const gzip = promisify(gzipCallback)

export interface CorpusOptions {
  seed?: number
  /** First UTC day, `YYYY-MM-DD`. */
  startDate?: string
  days?: number
  /** Archives per day and per (region, account). */
  archivesPerDay?: number
  eventsPerArchive?: number
  /** Alternative sizing: this many events spread evenly over all archives. */
  totalEvents?: number
  /** Share of CCC events among all events. */
  cccRatio?: number
  regions?: string[]
  prefix?: string
  /** Multi-account (resource directory) layout: one trail folder per account. */
  accounts?: { rdId: string; accountId: string }[]
  /** Body forms, used in turn. */
  forms?: BodyForm[]
  /** Let the first archive of a day carry events of the previous day (as ActionTrail does). */
  lateEvents?: boolean
  /** Number of deliberately unreadable archives (truncated gzip, or not gzip at all). */
  brokenArchives?: number
  /** Archives written at once. */
  concurrency?: number
}

export interface CorpusSummary {
  archives: number
  /** Every event written, broken archives included: events = cccEvents + nonCccEvents + brokenEvents. */
  events: number
  /** CCC events in readable archives. */
  cccEvents: number
  /** Other services' events in readable archives. */
  nonCccEvents: number
  /** Events inside broken archives (the EventCount of their keys). */
  brokenEvents: number
  brokenArchives: string[]
  /** All keys, in delivery order per location. */
  keys: string[]
  bytes: number
}

type Breakage = 'truncated_gzip' | 'not_gzip'

interface ArchiveSpec {
  region: string
  rdId?: string
  accountId?: string
  deliveredAt: Date
  /** Events may not be older than this (midnight, when late events are off). */
  notBefore: number
  eventCount: number
  form: BodyForm
  breakage?: Breakage
}

const WINDOW_MS = 5 * 60_000
const DAY_MS = 86_400_000

/** Writes a deterministic ActionTrail-like corpus into `storage` and returns exact counts. */
export async function generateCorpus(storage: Storage, options: CorpusOptions = {}): Promise<CorpusSummary> {
  const seed = options.seed ?? 1
  const specs = planArchives(options, createRng(seed ^ 0x5bd1e995))
  const rng = createRng(seed)
  const cccRatio = options.cccRatio ?? 0.7
  const keys: string[] = new Array(specs.length)
  const summary: CorpusSummary = { archives: specs.length, events: 0, cccEvents: 0, nonCccEvents: 0, brokenEvents: 0, brokenArchives: [], keys, bytes: 0 }
  const pool = boundedPool(options.concurrency ?? 8)
  for (const [index, spec] of specs.entries()) {
    // Events are drawn here, in order, so the rng sequence never depends on write timing.
    const { events, ccc } = archiveEvents(rng, spec, cccRatio)
    count(summary, spec, events.length, ccc)
    await pool.submit(async () => {
      const body = await archiveBody(events, spec)
      const { region, rdId, accountId, deliveredAt, form } = spec
      keys[index] = await putArchive(storage, events, { region, rdId, accountId, deliveredAt, form, prefix: options.prefix, body })
      summary.bytes += body.length
    })
  }
  await pool.drain()
  summary.brokenArchives = specs.flatMap((spec, i) => (spec.breakage ? [keys[i]] : []))
  return summary
}

function count(summary: CorpusSummary, spec: ArchiveSpec, events: number, ccc: number): void {
  summary.events += events
  if (spec.breakage) summary.brokenEvents += events
  else {
    summary.cccEvents += ccc
    summary.nonCccEvents += events - ccc
  }
}

function planArchives(options: CorpusOptions, rng: Rng): ArchiveSpec[] {
  const start = parseDay(options.startDate ?? '2021-02-01')
  const perDay = options.archivesPerDay ?? 12
  const locations = (options.regions ?? ['cn-shanghai']).flatMap((region) => (options.accounts ?? [undefined]).map((account) => ({ region, ...account })))
  const forms = options.forms?.length ? options.forms : (['array'] as BodyForm[])
  const specs: ArchiveSpec[] = []
  for (let day = 0; day < (options.days ?? 3); day++) {
    const dayStart = start + day * DAY_MS
    for (const location of locations) {
      for (const deliveredAt of deliveryTimes(rng, dayStart, perDay)) {
        const notBefore = options.lateEvents === false ? dayStart : -Infinity
        specs.push({ ...location, deliveredAt: new Date(deliveredAt), notBefore, eventCount: 0, form: forms[specs.length % forms.length] })
      }
    }
  }
  assignCounts(specs, options)
  markBroken(specs, options.brokenArchives ?? 0)
  return specs
}

/** Every 5 minutes (or denser when asked), the first one a little after midnight. */
function deliveryTimes(rng: Rng, dayStart: number, perDay: number): number[] {
  const rawStep = Math.max(1, Math.floor(86_400 / perDay))
  const step = rawStep >= 300 ? rawStep - (rawStep % 300) : rawStep
  return Array.from({ length: perDay }, (_, i) => {
    const jitter = i === 0 && step >= 300 ? rng.int(60, 240) : rng.int(0, Math.min(59, step - 1))
    return dayStart + (i * step + jitter) * 1000
  })
}

function assignCounts(specs: ArchiveSpec[], options: CorpusOptions): void {
  if (options.totalEvents === undefined) {
    for (const spec of specs) spec.eventCount = options.eventsPerArchive ?? 50
    return
  }
  if (options.totalEvents < specs.length) {
    throw new Error(`totalEvents (${options.totalEvents}) is smaller than the number of archives (${specs.length})`)
  }
  const base = Math.floor(options.totalEvents / specs.length)
  const extra = options.totalEvents % specs.length
  for (const [i, spec] of specs.entries()) spec.eventCount = base + (i < extra ? 1 : 0)
}

/** Spread the broken archives evenly, alternating the two kinds of breakage. */
function markBroken(specs: ArchiveSpec[], broken: number): void {
  if (broken > specs.length) throw new Error(`brokenArchives (${broken}) exceeds the number of archives (${specs.length})`)
  for (let j = 0; j < broken; j++) {
    specs[Math.floor(((j + 0.5) * specs.length) / broken)].breakage = j % 2 === 0 ? 'truncated_gzip' : 'not_gzip'
  }
}

function archiveEvents(rng: Rng, spec: ArchiveSpec, cccRatio: number): { events: DemoEvent[]; ccc: number } {
  const events: DemoEvent[] = []
  let ccc = 0
  for (const time of eventTimes(rng, spec)) {
    const ctx = { time, region: spec.region, accountId: spec.accountId }
    if (rng.chance(cccRatio)) {
      events.push(cccEvent(rng, ctx))
      ccc++
    } else events.push(noiseEvent(rng, ctx))
  }
  return { events, ccc }
}

/** Sorted times within the 5 minutes before delivery, with the odd pair out of order. */
function eventTimes(rng: Rng, spec: ArchiveSpec): Date[] {
  const end = spec.deliveredAt.getTime()
  const start = Math.max(end - WINDOW_MS, spec.notBefore)
  const times = Array.from({ length: spec.eventCount }, () => start + Math.floor(rng.next() * (end - start)))
  times.sort((a, b) => a - b)
  for (let i = 1; i < times.length; i++) {
    if (rng.chance(0.01)) [times[i - 1], times[i]] = [times[i], times[i - 1]]
  }
  return times.map((t) => new Date(t))
}

async function archiveBody(events: DemoEvent[], spec: ArchiveSpec): Promise<Buffer> {
  const plain = encodeBody(events, spec.form)
  if (spec.breakage === 'not_gzip') return plain
  const zipped = await gzip(plain)
  return spec.breakage === 'truncated_gzip' ? zipped.subarray(0, Math.floor(zipped.length / 2)) : zipped
}

function parseDay(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN
  if (Number.isNaN(time)) throw new Error(`startDate must be YYYY-MM-DD, got ${JSON.stringify(day)}`)
  return time
}

/** Runs at most `limit` tasks at once; the first failure is rethrown by submit or drain. */
function boundedPool(limit: number) {
  const running = new Set<Promise<void>>()
  let failure: { error: unknown } | undefined
  const check = () => {
    if (failure) throw failure.error
  }
  return {
    async submit(task: () => Promise<void>): Promise<void> {
      check()
      while (running.size >= limit) await Promise.race(running)
      check()
      const done: Promise<void> = task()
        .catch((error: unknown) => void (failure ??= { error }))
        .finally(() => running.delete(done))
      running.add(done)
    },
    async drain(): Promise<void> {
      await Promise.all(running)
      check()
    },
  }
}
