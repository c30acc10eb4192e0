import { describe, expect, it } from 'vitest'
import { leaseKey, leasePrefix } from '../../lib/layout.js'
import { acquireLease, type Lease, type LeaseBody, LeaseLostError, type LeaseOptions, withLease } from '../../lib/ledger/lease.js'
import { listObjects } from '../../lib/storage/list.js'
import { readJson } from '../../lib/storage/read.js'
import type { Storage } from '../../lib/storage/types.js'
import { threeDrivers } from '../support/three-drivers.js'

const PARTITION = { dt: '2021-02-03', eventName: 'ListUsers' }
const PREFIX = 'lake/'

/** A clock the test moves by hand: expiry without waiting. */
function clock(start = Date.UTC(2021, 1, 5)) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}

function options(owner: string, time: { now: () => number }, extra: Partial<LeaseOptions> = {}): LeaseOptions {
  return { purpose: 'compaction', owner, ttlMs: 60_000, renewEveryMs: 0, now: time.now, ...extra }
}

async function acquired(dest: Storage, owner: string, time: { now: () => number }, extra: Partial<LeaseOptions> = {}): Promise<Lease> {
  const attempt = await acquireLease(dest, PREFIX, PARTITION, options(owner, time, extra))
  if (attempt.kind !== 'acquired') throw new Error(`expected ${owner} to acquire, held by ${attempt.holder.owner}`)
  return attempt.lease
}

async function leaseKeys(dest: Storage): Promise<string[]> {
  const keys: string[] = []
  for await (const info of listObjects(dest, leasePrefix(PREFIX, PARTITION))) keys.push(info.key)
  return keys
}

describe.each(threeDrivers())('partition lease on $name', ({ make }) => {
  it('is taken by one run; a second finds it held, with owner, purpose and expiry', async () => {
    const dest = await make()
    const time = clock()
    const first = await acquired(dest, 'run-a', time)
    const second = await acquireLease(dest, PREFIX, PARTITION, options('run-b', time, { purpose: 'roll-up' }))
    expect(second).toEqual({
      kind: 'held',
      holder: expect.objectContaining({ owner: 'run-a', purpose: 'compaction', generation: 0, expiresAt: new Date(time.now() + 60_000).toISOString() }),
    })
    await first.check()
    expect(first.key).toBe(leaseKey(PREFIX, PARTITION, 0))
  })

  it('once released is taken by the next run under a new generation, and the old one is removed', async () => {
    const dest = await make()
    const time = clock()
    const first = await acquired(dest, 'run-a', time)
    await first.release()
    await first.release()
    await expect(first.check()).rejects.toBeInstanceOf(LeaseLostError)
    const second = await acquired(dest, 'run-b', time)
    expect(second.generation).toBe(1)
    expect(await leaseKeys(dest)).toEqual([leaseKey(PREFIX, PARTITION, 1)])
  })

  it('when expired (a crashed run) is taken over; the old holder then fails its check and its release leaves the new lease alone', async () => {
    const dest = await make()
    const time = clock()
    const crashed = await acquired(dest, 'crashed', time)
    time.advance(30_000)
    expect((await acquireLease(dest, PREFIX, PARTITION, options('early', time))).kind).toBe('held')
    time.advance(30_001)
    const next = await acquired(dest, 'next', time)
    await expect(crashed.check()).rejects.toThrow(/expires at|taken over/)
    await crashed.release()
    await next.check()
    expect((await acquireLease(dest, PREFIX, PARTITION, options('third', time))).kind).toBe('held')
  })

  it('when expired and taken over by many runs at once goes to exactly one of them', async () => {
    const dest = await make()
    const time = clock()
    await acquired(dest, 'crashed', time)
    time.advance(120_000)
    const attempts = await Promise.all(Array.from({ length: 6 }, (_, i) => acquireLease(dest, PREFIX, PARTITION, options(`taker-${i}`, time))))
    const winners = attempts.filter((a) => a.kind === 'acquired')
    expect(winners).toHaveLength(1)
    const winner = winners[0].kind === 'acquired' ? winners[0].lease : undefined
    for (const attempt of attempts) if (attempt.kind === 'held') expect(attempt.holder.owner).toBe(winner?.owner)
    await winner?.check()
  })

  it('from a fresh partition goes to exactly one of many racing runs', async () => {
    const dest = await make()
    const time = clock()
    const attempts = await Promise.all(Array.from({ length: 6 }, (_, i) => acquireLease(dest, PREFIX, PARTITION, options(`racer-${i}`, time))))
    expect(attempts.filter((a) => a.kind === 'acquired')).toHaveLength(1)
  })

  it('renewed, outlives its first expiry; not renewed, its holder learns it is too close to expiry to go on', async () => {
    const dest = await make()
    const time = clock()
    const lease = await acquired(dest, 'worker', time)
    time.advance(40_000)
    await lease.renew()
    time.advance(40_000)
    await lease.check()
    expect((await acquireLease(dest, PREFIX, PARTITION, options('other', time))).kind).toBe('held')
    const body = await readJson<LeaseBody>(dest, lease.key)
    expect(body.expiresAt).toBe(new Date(time.now() - 40_000 + 60_000).toISOString())
    time.advance(10_000) // 10 s left of 60: under the quarter kept in hand
    await expect(lease.check()).rejects.toThrow(/too soon/)
  })

  it('withLease runs the work under the lease and releases it even when the work throws', async () => {
    const dest = await make()
    const time = clock()
    await expect(
      withLease(dest, PREFIX, PARTITION, options('thrower', time), async (lease) => {
        await lease.check()
        throw new Error('work failed')
      }),
    ).rejects.toThrow('work failed')
    const result = await withLease(dest, PREFIX, PARTITION, options('next', time), async (lease) => lease.generation)
    expect(result).toEqual({ kind: 'done', value: 1 })
  })

  it('waits, when asked, until the holder releases', async () => {
    const dest = await make()
    const holder = await acquired(dest, 'holder', { now: Date.now })
    setTimeout(() => void holder.release(), 50)
    const waited = await acquireLease(dest, PREFIX, PARTITION, { purpose: 'compaction', owner: 'waiter', renewEveryMs: 0, waitMs: 10_000, pollMs: 10 })
    expect(waited.kind).toBe('acquired')
  })
})

describe('partition lease: a create whose answer was lost', () => {
  it('counts the lease as its own when the object it "failed" to create carries its owner id', async () => {
    const { MemoryStorage } = await import('../../lib/storage/memory.js')
    const inner = new MemoryStorage()
    // The first attempt reached the store, its answer was lost, the retry was told "exists".
    const lossy = Object.assign(Object.create(inner) as Storage, {
      putIfAbsent: async (key: string, body: string | Uint8Array) => {
        await inner.putIfAbsent(key, body)
        return undefined
      },
    })
    const lease = await acquired(lossy, 'me', clock())
    await lease.check()
  })
})
