import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { type CorpusOptions, type CorpusSummary, generateCorpus } from '../../lib/demo/corpus.js'
import { cccEvent, noiseEvent } from '../../lib/demo/events.js'
import { createRng } from '../../lib/demo/rng.js'
import { classifyKey, parseArchiveKey } from '../../lib/source/archive-key.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import type { Storage } from '../../lib/storage/types.js'

// biome-ignore lint/suspicious/noExplicitAny: generated events are read field by field, whatever their types
type Event = Record<string, any>

async function bytesOf(storage: Storage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of await storage.get(key)) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

/** Returns the body form and its events; all three forms ActionTrail uses. */
function parseBody(text: string): { form: string; events: Event[] } {
  if (text.startsWith('[')) return { form: 'array', events: JSON.parse(text) }
  if (text.startsWith('{"Records"')) return { form: 'records', events: JSON.parse(text).Records }
  return {
    form: 'ndjson',
    events: text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
  }
}

// The contract's CCC rule (DESIGN.md §1).
function isCcc(e: Event): boolean {
  return e.serviceName === 'CloudCallCenter' || String(e.eventSource ?? '').startsWith('ccc.') || e.requestParameters?.AcsProduct === 'CCC'
}

interface Read {
  key: string
  form: string
  events: Event[]
}

async function readAll(storage: Storage, summary: CorpusSummary): Promise<Read[]> {
  const broken = new Set(summary.brokenArchives)
  const readable = summary.keys.filter((key) => !broken.has(key))
  return Promise.all(readable.map(async (key) => ({ key, ...parseBody(gunzipSync(await bytesOf(storage, key)).toString('utf8')) })))
}

async function build(options: CorpusOptions) {
  const storage = new MemoryStorage()
  const summary = await generateCorpus(storage, options)
  return { storage, summary, reads: await readAll(storage, summary) }
}

describe('generateCorpus', () => {
  it('is deterministic for a seed', async () => {
    const options = { seed: 7, days: 2, archivesPerDay: 6, eventsPerArchive: 20, forms: ['array', 'ndjson'] as const, brokenArchives: 2 }
    const [a, b, c] = await Promise.all([
      build({ ...options, forms: [...options.forms] }),
      build({ ...options, forms: [...options.forms] }),
      build({ ...options, forms: [...options.forms], seed: 8 }),
    ])
    expect(b.summary).toEqual(a.summary)
    for (const key of a.summary.keys) expect(await bytesOf(b.storage, key)).toEqual(await bytesOf(a.storage, key))
    expect(c.summary.keys).not.toEqual(a.summary.keys)
  })

  it('reports exact counts that match the archives and their keys', async () => {
    const { storage, summary, reads } = await build({
      seed: 3,
      days: 2,
      archivesPerDay: 10,
      eventsPerArchive: 40,
      brokenArchives: 3,
      forms: ['array', 'ndjson', 'records'],
    })
    expect(summary.archives).toBe(20)
    expect(summary.keys).toHaveLength(20)
    expect(new Set(summary.keys).size).toBe(20)
    const events = reads.flatMap((r) => r.events)
    expect(events.filter(isCcc)).toHaveLength(summary.cccEvents)
    expect(events.filter((e) => !isCcc(e))).toHaveLength(summary.nonCccEvents)
    for (const read of reads) {
      const key = parseArchiveKey(read.key)
      expect(key?.eventCount).toBe(read.events.length)
      expect(key?.fileSize).toBe((await bytesOf(storage, read.key)).length)
    }
    const brokenCount = summary.brokenArchives.reduce((sum, key) => sum + (parseArchiveKey(key)?.eventCount ?? NaN), 0)
    expect(summary.brokenEvents).toBe(brokenCount)
    expect(summary.events).toBe(summary.cccEvents + summary.nonCccEvents + summary.brokenEvents)
    expect(summary.events).toBe(20 * 40)
    const sizes = await Promise.all(summary.keys.map((key) => bytesOf(storage, key)))
    expect(summary.bytes).toBe(sizes.reduce((sum, body) => sum + body.length, 0))
  })

  it('gives roughly the CCC share asked for', async () => {
    for (const cccRatio of [0.7, 0.3]) {
      const { summary } = await build({ seed: 11, cccRatio, days: 1, archivesPerDay: 10, eventsPerArchive: 200 })
      expect(summary.cccEvents / (summary.cccEvents + summary.nonCccEvents)).toBeCloseTo(cccRatio, 1)
    }
  })

  it('delivers late events across a day boundary, and none when asked not to', async () => {
    const lateDays = async (lateEvents: boolean) => {
      const { reads } = await build({ seed: 5, days: 2, archivesPerDay: 24, eventsPerArchive: 30, lateEvents })
      return reads.flatMap((r) => r.events.filter((e) => e.eventTime.slice(0, 10) < parseArchiveKey(r.key)!.folderDate))
    }
    const late = await lateDays(true)
    expect(late.length).toBeGreaterThan(0)
    expect(late.some((e) => e.eventTime.startsWith('2021-02-01T23:5'))).toBe(true)
    expect(await lateDays(false)).toEqual([])
  })

  it('stamps events within the five minutes before delivery, mostly in order', async () => {
    const { reads } = await build({ seed: 9, days: 1, archivesPerDay: 12, eventsPerArchive: 100 })
    let pairs = 0
    let inversions = 0
    for (const read of reads) {
      const delivered = Date.parse(parseArchiveKey(read.key)!.deliveredAt)
      const times = read.events.map((e) => Date.parse(e.eventTime))
      for (const t of times) expect(delivered - t).toBeGreaterThanOrEqual(0)
      for (const t of times) expect(delivered - t).toBeLessThanOrEqual(5 * 60_000)
      times.forEach((t, i) => {
        if (i === 0) return
        pairs++
        if (t < times[i - 1]) inversions++
      })
    }
    expect(inversions / pairs).toBeLessThan(0.05)
  })

  it('writes broken archives that really fail to gunzip', async () => {
    const { storage, summary } = await build({ seed: 2, days: 1, archivesPerDay: 12, eventsPerArchive: 10, brokenArchives: 4 })
    expect(summary.brokenArchives).toHaveLength(4)
    for (const key of summary.brokenArchives) {
      expect(classifyKey(key).kind).toBe('archive')
      const body = await bytesOf(storage, key)
      expect(() => gunzipSync(body), key).toThrow()
    }
  })

  it('lays out multi-account trails that classifyKey parses', async () => {
    const accounts = [
      { rdId: 'rd-Ab12Cd', accountId: '1512666876910001' },
      { rdId: 'rd-Ab12Cd', accountId: '1512666876910002' },
    ]
    const { summary, reads } = await build({
      seed: 4,
      days: 1,
      archivesPerDay: 3,
      eventsPerArchive: 20,
      accounts,
      regions: ['cn-shanghai', 'cn-beijing'],
      prefix: 'trail/',
    })
    expect(summary.archives).toBe(3 * accounts.length * 2)
    for (const read of reads) {
      const verdict = classifyKey(read.key)
      expect(verdict.kind).toBe('archive')
      if (verdict.kind !== 'archive') continue
      expect(verdict.archive.prefix).toBe('trail/')
      expect(verdict.archive.rdId).toBe('rd-Ab12Cd')
      expect(accounts.map((a) => a.accountId)).toContain(verdict.archive.accountId)
      for (const e of read.events) {
        expect(String(e.userIdentity.accountId)).toBe(verdict.archive.accountId)
        expect(e.acsRegion).toBe(verdict.archive.region)
      }
    }
  })

  it('uses every body form asked for', async () => {
    const { reads } = await build({ seed: 6, days: 1, archivesPerDay: 6, eventsPerArchive: 5, forms: ['array', 'ndjson', 'records'] })
    expect(new Set(reads.map((r) => r.form))).toEqual(new Set(['array', 'ndjson', 'records']))
  })

  it('sizes by totalEvents exactly', async () => {
    const { summary } = await build({ seed: 1, days: 1, archivesPerDay: 7, totalEvents: 1000 })
    expect(summary.archives).toBe(7)
    expect(summary.events).toBe(1000)
  })
})

describe('demo events', () => {
  const rng = createRng(42)
  const ctx = { time: new Date('2021-02-03T04:10:08.123Z'), region: 'cn-shanghai' }
  const cccEvents: Event[] = Array.from({ length: 2000 }, () => cccEvent(rng, ctx))
  const noise: Event[] = Array.from({ length: 2000 }, () => noiseEvent(rng, ctx))

  it('builds CCC events shaped like the seed sample', () => {
    for (const e of cccEvents) {
      expect(isCcc(e)).toBe(true)
      expect(e.eventId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/)
      expect(e.eventSource).toBe('ccc.cn-shanghai.aliyuncs.com')
      expect(e.eventTime).toBe('2021-02-03T04:10:08Z')
      expect(e.requestParameters.InstanceId).toBeTypeOf('string')
    }
    const values = (pick: (e: Event) => unknown) => new Set(cccEvents.map(pick))
    expect(values((e) => e.eventVersion)).toEqual(new Set([1, '1']))
    expect(values((e) => e.eventType)).toEqual(new Set(['ApiCall', 'ConsoleOperation']))
    expect(values((e) => e.apiVersion)).toEqual(new Set(['2017-07-05', '2020-07-01', undefined, '*']))
    expect(values((e) => e.userIdentity.type)).toEqual(new Set(['ram-user', 'root-account', 'assumed-role']))
    expect(values((e) => typeof e.userIdentity.accountId)).toEqual(new Set(['string', 'number']))
    expect(values((e) => e.errorCode)).toContain('')
    expect(values((e) => e.errorCode)).toContain('Forbidden.NoPermission')
    expect(values((e) => e.sourceIpAddress)).toContain('Internal')
  })

  it('favours the workbench calls', () => {
    const tally = (name: string) => cccEvents.filter((e) => e.eventName === name).length
    expect(tally('ListConfig')).toBeGreaterThan(tally('DownloadRecording') * 5)
    expect(tally('RefreshToken')).toBeGreaterThan(tally('CreateSkillGroup') * 5)
  })

  it('adds event-specific and repeated parameters', () => {
    const rng = createRng(1)
    const recording: Event = cccEvent(rng, { ...ctx, name: 'DownloadRecording' })
    expect(recording.requestParameters.FileName).toMatch(/\.wav$/)
    const call: Event = cccEvent(rng, { ...ctx, name: 'StartBack2BackCall' })
    expect(call.requestParameters.Caller).toMatch(/^1\d{10}$/)
    expect(call.requestParameters.Callee).toMatch(/^1\d{10}$/)
    const config: Event = cccEvent(rng, { ...ctx, name: 'ListConfig' })
    expect(config.requestParameters['ConfigItem.1']).toEqual({ name: 'AllowHangup', DimensionName: 'instance' })
  })

  it('builds noise events that are never CCC', () => {
    expect(noise.filter(isCcc)).toEqual([])
    const services = new Set(noise.map((e) => e.serviceName))
    for (const service of ['AasSub', 'AasCustomer', 'Ecs', 'Oss', 'Ram', 'Sts']) expect(services).toContain(service)
    expect(noise.some((e) => e.serviceName === 'Ram' && e.eventName === 'ListUsers')).toBe(true)
  })
})
