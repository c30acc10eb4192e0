import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { NotFoundError, RetryableError } from '../errors.js'
import { leaseKey, leasePrefix, type PartitionRef, parseLeaseGeneration } from '../layout.js'
import { listObjects } from '../storage/list.js'
import { readJson } from '../storage/read.js'
import type { Storage } from '../storage/types.js'

/**
 * A lease per (dt, event_name) partition: whoever holds it may delete files of that partition, and
 * nobody else may. Every writer that deletes takes it first (compaction, roll-up, an archive run that
 * replaces an earlier version's files).
 *
 * The lease is a sequence of generation objects `_ccc_trail/leases/dt=<d>/event_name=<n>/<gen>.json`,
 * each created once with putIfAbsent (OSS `x-oss-forbid-overwrite`, a folder's exclusive link) and then
 * written only by its creator (renewal, release). The highest generation is the lease:
 *  - free when there is none, or the highest is released or expired: take it by creating the next
 *    generation. Of two runs taking over the same expired lease at once, exactly one creates it;
 *  - held otherwise: the caller skips the partition or waits.
 * No object is ever replaced by someone else and the highest generation is never deleted (older ones
 * are, by the next holder), so a run that read an old state can at worst create a generation below the
 * highest, which the check after creating it sees, and gives up.
 *
 * Expiry guards against crashed holders: a holder renews while it works (every third of the TTL) and
 * checks (`check()`) that it still holds the lease before each destructive step. Expiry times are
 * compared on the clocks of the runs involved; keep them within a fraction of the TTL (NTP does).
 */

export const DEFAULT_LEASE_TTL_MS = 120_000
const MAX_POLL_MS = 5_000

export interface LeaseBody {
  version: 1
  owner: string
  /** What the holder does: `compaction`, `roll-up`, `supersession`, … (shown to whoever finds it held). */
  purpose: string
  generation: number
  acquiredAt: string
  expiresAt: string
  released?: boolean
}

export interface LeaseOptions {
  purpose: string
  /** Unique per run; default: host, pid and random bytes. */
  owner?: string
  ttlMs?: number
  /** Renew this often while held; default a third of the TTL; 0: never (the caller renews). */
  renewEveryMs?: number
  /**
   * When held by another run: look again until free, up to `waitMs` (default 0: answer `held` at once),
   * first after `pollMs` (default 50), then twice as long each time, up to 5 s between looks.
   */
  waitMs?: number
  pollMs?: number
  now?: () => number
}

export interface Lease {
  readonly key: string
  readonly owner: string
  readonly generation: number
  /** Throws LeaseLostError unless this run still holds the lease: call it before each destructive step. */
  check(): Promise<void>
  /** Pushes the expiry a TTL ahead (done on a timer too, unless `renewEveryMs` is 0). */
  renew(): Promise<void>
  /** Gives the lease up; a lease taken over meanwhile is left alone. Idempotent. */
  release(): Promise<void>
}

export type LeaseAttempt = { kind: 'acquired'; lease: Lease } | { kind: 'held'; holder: LeaseBody }

/** Thrown by `check()` (and so by the work it guards) once the lease expired or another run took it over. */
export class LeaseLostError extends RetryableError {}

/** One attempt (or, with `waitMs`, attempts until free or the time is up) to take a partition's lease. */
export async function acquireLease(dest: Storage, destPrefix: string, partition: PartitionRef, options: LeaseOptions): Promise<LeaseAttempt> {
  const now = options.now ?? Date.now
  const deadline = now() + (options.waitMs ?? 0)
  const owner = options.owner ?? newOwnerId()
  for (let poll = options.pollMs ?? 50; ; poll = Math.min(poll * 2, MAX_POLL_MS)) {
    const attempt = await tryAcquire(dest, destPrefix, partition, { ...options, owner, now })
    if (attempt.kind === 'acquired' || now() >= deadline) return attempt
    await sleep(Math.min(poll, Math.max(1, deadline - now())))
  }
}

/**
 * Runs `work` under the partition's lease, renewed while it runs and released after it, thrown or not.
 * Answers `held` (and runs nothing) when another run holds the lease.
 */
export async function withLease<T>(
  dest: Storage,
  destPrefix: string,
  partition: PartitionRef,
  options: LeaseOptions,
  work: (lease: Lease) => Promise<T>,
): Promise<{ kind: 'done'; value: T } | { kind: 'held'; holder: LeaseBody }> {
  const attempt = await acquireLease(dest, destPrefix, partition, options)
  if (attempt.kind === 'held') return attempt
  try {
    return { kind: 'done', value: await work(attempt.lease) }
  } finally {
    await attempt.lease.release()
  }
}

/** `owner (purpose), expires <time>`: for the line that says why a partition was skipped. */
export function describeHolder(holder: LeaseBody): string {
  return `${holder.owner} (${holder.purpose}) until ${holder.expiresAt}`
}

type Resolved = LeaseOptions & { owner: string; now: () => number }

const MAX_RACES = 5

async function tryAcquire(dest: Storage, destPrefix: string, partition: PartitionRef, options: Resolved): Promise<LeaseAttempt> {
  for (let race = 0; ; race++) {
    const generations = await listGenerations(dest, destPrefix, partition)
    const highest = generations.at(-1)
    if (highest !== undefined) {
      const current = await readLease(dest, leaseKey(destPrefix, partition, highest))
      if (!current) continue // released and cleaned up between the listing and the read: list again
      if (isLive(current, options.now())) return { kind: 'held', holder: current }
    }
    const generation = (highest ?? -1) + 1
    const key = leaseKey(destPrefix, partition, generation)
    const body = leaseBody(options, generation)
    const created = await dest.putIfAbsent(key, JSON.stringify(body))
    // A retried create whose first attempt succeeded answers "exists": the owner id tells.
    const mine = created !== undefined || (await readLease(dest, key))?.owner === options.owner
    if (mine && (await highestGeneration(dest, destPrefix, partition)) === generation) {
      const lease = new HeldLease(dest, destPrefix, partition, body, options)
      try {
        await removeOlder(dest, destPrefix, partition, generation)
      } catch (error) {
        await lease.release().catch(() => undefined)
        throw error
      }
      return { kind: 'acquired', lease }
    }
    if (mine) await dest.put(key, JSON.stringify({ ...body, released: true, expiresAt: body.acquiredAt }))
    if (race >= MAX_RACES) {
      const holder = await readLease(dest, leaseKey(destPrefix, partition, await highestGeneration(dest, destPrefix, partition)))
      if (holder) return { kind: 'held', holder }
    }
  }
}

class HeldLease implements Lease {
  readonly key: string
  readonly generation: number
  #body: LeaseBody
  #timer: NodeJS.Timeout | undefined
  #lost: Error | undefined
  #released = false
  /** The renewal under way: release waits for it, so a late renewal cannot revive a released lease. */
  #renewing: Promise<void> = Promise.resolve()

  constructor(
    private readonly dest: Storage,
    private readonly destPrefix: string,
    private readonly partition: PartitionRef,
    body: LeaseBody,
    private readonly options: Resolved,
  ) {
    this.#body = body
    this.generation = body.generation
    this.key = leaseKey(destPrefix, partition, body.generation)
    const every = options.renewEveryMs ?? ttlOf(options) / 3
    if (every > 0) {
      this.#timer = setInterval(() => {
        this.renew().catch((error: unknown) => {
          this.#lost ??= error instanceof Error ? error : new Error(String(error))
        })
      }, every).unref()
    }
  }

  get owner(): string {
    return this.#body.owner
  }

  /** A quarter of the TTL is kept in hand, for clocks that differ a little and for the step the check guards. */
  async check(): Promise<void> {
    if (this.#lost) throw new LeaseLostError(`${this.#where()} lost: ${this.#lost.message}`)
    if (this.#released) throw new LeaseLostError(`${this.#where()} already released`)
    if (Date.parse(this.#body.expiresAt) - ttlOf(this.options) / 4 <= this.options.now())
      throw new LeaseLostError(`${this.#where()} expires at ${this.#body.expiresAt}, too soon to go on`)
    const highest = await highestGeneration(this.dest, this.destPrefix, this.partition)
    if (highest !== this.generation) throw new LeaseLostError(`${this.#where()} was taken over (generation ${highest})`)
  }

  renew(): Promise<void> {
    const next = this.#renewing.catch(() => undefined).then(() => this.#renewOnce())
    this.#renewing = next
    return next
  }

  async #renewOnce(): Promise<void> {
    await this.check()
    const body = { ...this.#body, expiresAt: new Date(this.options.now() + ttlOf(this.options)).toISOString() }
    await this.dest.put(this.key, JSON.stringify(body))
    this.#body = body
  }

  async release(): Promise<void> {
    if (this.#released) return
    this.#released = true
    clearInterval(this.#timer)
    await this.#renewing.catch(() => undefined)
    if ((await highestGeneration(this.dest, this.destPrefix, this.partition)) !== this.generation) return
    await this.dest.put(this.key, JSON.stringify({ ...this.#body, released: true, expiresAt: new Date(this.options.now()).toISOString() }))
  }

  #where(): string {
    return `lease ${this.key} (${this.#body.purpose})`
  }
}

async function listGenerations(dest: Storage, destPrefix: string, partition: PartitionRef): Promise<number[]> {
  const prefix = leasePrefix(destPrefix, partition)
  const generations: number[] = []
  for await (const info of listObjects(dest, prefix, { delimiter: '/' })) {
    const generation = parseLeaseGeneration(info.key)
    if (generation !== undefined) generations.push(generation)
  }
  return generations.sort((a, b) => a - b)
}

async function highestGeneration(dest: Storage, destPrefix: string, partition: PartitionRef): Promise<number> {
  return (await listGenerations(dest, destPrefix, partition)).at(-1) ?? -1
}

/** Older generations are dead once a newer one exists; the new holder removes them. */
async function removeOlder(dest: Storage, destPrefix: string, partition: PartitionRef, generation: number): Promise<void> {
  for (const older of await listGenerations(dest, destPrefix, partition)) {
    if (older < generation) await dest.delete(leaseKey(destPrefix, partition, older))
  }
}

async function readLease(dest: Storage, key: string): Promise<LeaseBody | undefined> {
  try {
    return await readJson<LeaseBody>(dest, key)
  } catch (error) {
    if (error instanceof NotFoundError) return undefined
    throw error
  }
}

function isLive(body: LeaseBody, now: number): boolean {
  return !body.released && Date.parse(body.expiresAt) > now
}

function leaseBody(options: Resolved, generation: number): LeaseBody {
  const now = options.now()
  return {
    version: 1,
    owner: options.owner,
    purpose: options.purpose,
    generation,
    acquiredAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlOf(options)).toISOString(),
  }
}

function ttlOf(options: LeaseOptions): number {
  return options.ttlMs ?? DEFAULT_LEASE_TTL_MS
}

export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
