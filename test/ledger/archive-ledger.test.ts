import { describe, expect, it } from 'vitest'
import { RetryableError } from '../../lib/errors.js'
import { compactionRecordKey, LEASE_DIR, manifestKey, partFileKey, quarantineKey } from '../../lib/layout.js'
import { beginArchive } from '../../lib/ledger/archive-ledger.js'
import type { CompactionRecord } from '../../lib/ledger/compaction-records.js'
import { acquireLease, type LeaseBody, type LeaseOptions } from '../../lib/ledger/lease.js'
import { type Manifest, writeManifest } from '../../lib/ledger/manifest.js'
import { listObjects } from '../../lib/storage/list.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import { readJson } from '../../lib/storage/read.js'

const SOURCE = 'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/trail_2021-02-03-04-10-00_1.json.gz'
const PREFIX = 'table/'
const day = { dt: '2021-02-03', eventName: 'StartBack2BackCall' }
const partKey = partFileKey(PREFIX, day, SOURCE)

function manifestOf(etag: string, outputs: { key: string; rows: number }[] = [{ key: partKey, rows: 3 }], quarantine?: string): Manifest {
  return {
    version: 1,
    source: SOURCE,
    etag,
    size: 100,
    status: 'written',
    processedAt: '2021-02-04T00:00:00Z',
    counts: { events: 3, rows: 3, nonCcc: 0, quarantined: 0 },
    outputs: outputs.map((o) => ({ ...o, ...day, bytes: 10 })),
    quarantine,
  }
}

/** The table's keys, without the partition leases (a released lease's last generation stays, by design). */
async function keys(dest: MemoryStorage): Promise<string[]> {
  const found: string[] = []
  for await (const info of listObjects(dest, '')) if (!info.key.startsWith(PREFIX + LEASE_DIR)) found.push(info.key)
  return found.sort()
}

/** Every lease generation left in the table, as written. */
async function leases(dest: MemoryStorage): Promise<LeaseBody[]> {
  const found: LeaseBody[] = []
  for await (const info of listObjects(dest, PREFIX + LEASE_DIR)) found.push(await readJson<LeaseBody>(dest, info.key))
  return found
}

/** Writes what a committed run leaves: its part file, its quarantine record if any, its manifest. */
async function committed(dest: MemoryStorage, manifest: Manifest): Promise<void> {
  for (const output of manifest.outputs) await dest.put(output.key, 'parquet')
  if (manifest.quarantine) await dest.put(manifest.quarantine, '{}')
  await writeManifest(dest, PREFIX, manifest)
}

describe('beginArchive', () => {
  it('hands a first run everything to write and no tombstones', async () => {
    const dest = new MemoryStorage()
    const entry = await beginArchive(dest, PREFIX, { source: SOURCE, etag: 'v1' })
    if (entry.kind !== 'convert') throw new Error(`expected a run, got ${entry.kind}`)
    expect(entry.run.shouldWrite(partKey)).toBe(true)
    expect(entry.run.tombstones([])).toEqual([])
    await entry.run.commit(manifestOf('v1'))
    expect(await keys(dest)).toEqual([manifestKey(PREFIX, SOURCE, 'v1')])
  })

  it('answers already_done for a committed version, and converts it again when forced', async () => {
    const dest = new MemoryStorage()
    await committed(dest, manifestOf('v1'))
    expect(await beginArchive(dest, PREFIX, { source: SOURCE, etag: 'v1' })).toEqual({ kind: 'already_done' })
    expect((await beginArchive(dest, PREFIX, { source: SOURCE, etag: 'v1' }, { force: true })).kind).toBe('convert')
    expect((await beginArchive(dest, PREFIX, { source: SOURCE, etag: 'v2' })).kind).toBe('convert')
  })

  it('removes what only the superseded version wrote once the new manifest is committed', async () => {
    const dest = new MemoryStorage()
    const otherDay = partFileKey(PREFIX, { dt: '2021-02-02', eventName: 'StartBack2BackCall' }, SOURCE)
    const oldQuarantine = quarantineKey(PREFIX, SOURCE, 'v1')
    await committed(
      dest,
      manifestOf(
        'v1',
        [
          { key: partKey, rows: 3 },
          { key: otherDay, rows: 1 },
        ],
        oldQuarantine,
      ),
    )
    const entry = await beginArchive(dest, PREFIX, { source: SOURCE, etag: 'v2' })
    if (entry.kind !== 'convert') throw new Error(`expected a run, got ${entry.kind}`)
    await entry.run.hold()
    // Nothing is removed before the commit: a crash here leaves the old version whole.
    expect(await keys(dest)).toContain(otherDay)
    await dest.put(partKey, 'new parquet')
    await entry.run.commit(manifestOf('v2'))
    expect(await keys(dest)).toEqual([manifestKey(PREFIX, SOURCE, 'v2'), partKey].sort())
  })

  it('cleans up after a run that died between its commit and the removal of the older version', async () => {
    const dest = new MemoryStorage()
    const otherDay = partFileKey(PREFIX, { dt: '2021-02-02', eventName: null }, SOURCE)
    await committed(dest, manifestOf('v1', [{ key: otherDay, rows: 1 }]))
    await committed(dest, manifestOf('v2'))
    expect(await beginArchive(dest, PREFIX, { source: SOURCE, etag: 'v2' })).toEqual({ kind: 'already_done' })
    expect(await keys(dest)).toEqual([manifestKey(PREFIX, SOURCE, 'v2'), partKey].sort())
    // The clean-up deleted under the lease of the partition the old version wrote into, and gave it back.
    expect((await leases(dest)).map((l) => ({ purpose: l.purpose, released: l.released }))).toEqual([{ purpose: 'supersession', released: true }])
  })

  describe('a run that replaces earlier files holds the leases of the partitions they sit in', () => {
    const otherDay = { dt: '2021-02-02', eventName: 'StartBack2BackCall' }
    const bothDays = (): Manifest => {
      const manifest = manifestOf('v1', [
        { key: partKey, rows: 3 },
        { key: partFileKey(PREFIX, otherDay, SOURCE), rows: 1 },
      ])
      manifest.outputs[1].dt = otherDay.dt
      return manifest
    }
    /** A table where version v1 wrote into both days. */
    const tableOfBothDays = async () => {
      const dest = new MemoryStorage()
      await committed(dest, bothDays())
      return dest
    }
    /** The run of version v2. */
    const newVersion = async (dest: MemoryStorage, lease?: Partial<LeaseOptions>) => {
      const entry = await beginArchive(dest, PREFIX, { source: SOURCE, etag: 'v2' }, { lease })
      if (entry.kind !== 'convert') throw new Error(`expected a run, got ${entry.kind}`)
      return entry.run
    }
    /** A compaction holding the first day's partition (it does not renew: the test's clock decides). */
    const compactionHolding = async (dest: MemoryStorage, now?: () => number) => {
      const compaction = await acquireLease(dest, PREFIX, day, { purpose: 'compaction', renewEveryMs: 0, now })
      if (compaction.kind !== 'acquired') throw new Error('the compaction should hold the partition')
      return compaction.lease
    }

    it('takes them in hold(), before its guard is read, and gives them back after its deletes', async () => {
      const dest = await tableOfBothDays()
      const run = await newVersion(dest)
      expect(run.first).toBe(false)
      expect(() => run.shouldWrite(partKey)).toThrow(/hold\(\) it before converting/)
      expect(await leases(dest)).toEqual([])
      await run.hold()
      expect((await leases(dest)).map((l) => [l.purpose, l.released ?? false])).toEqual([
        ['supersession', false],
        ['supersession', false],
      ])
      // A compaction of either partition finds it held meanwhile.
      expect((await acquireLease(dest, PREFIX, otherDay, { purpose: 'compaction' })).kind).toBe('held')
      await run.commit(manifestOf('v2'))
      expect((await leases(dest)).every((l) => l.released)).toBe(true)
      expect((await acquireLease(dest, PREFIX, otherDay, { purpose: 'compaction' })).kind).toBe('acquired')
    })

    it('fails as retryable, holding nothing, when a compaction keeps one of them past the wait', async () => {
      const dest = await tableOfBothDays()
      const compaction = await compactionHolding(dest)
      const held = await (await newVersion(dest, { waitMs: 120 })).hold().catch((error: unknown) => error)
      expect(held).toBeInstanceOf(RetryableError)
      expect(String(held)).toMatch(/held by .* \(compaction\)/)
      // The partition taken first (the other day, in partition order) was given back.
      expect((await acquireLease(dest, PREFIX, otherDay, { purpose: 'compaction' })).kind).toBe('acquired')
      await compaction.release()
    })

    it('waits for a compaction that finishes within the wait, then converts', async () => {
      const dest = await tableOfBothDays()
      const compaction = await compactionHolding(dest)
      const run = await newVersion(dest, { waitMs: 5_000 })
      const holding = run.hold()
      setTimeout(() => void compaction.release(), 100)
      await holding
      expect(run.shouldWrite(partKey)).toBe(true)
      await run.release()
      expect((await leases(dest)).filter((l) => l.purpose === 'supersession').every((l) => l.released)).toBe(true)
    })

    it('takes over the lease of a crashed compaction once it expired', async () => {
      const dest = await tableOfBothDays()
      let clock = Date.parse('2021-02-04T00:00:00Z')
      const now = () => clock
      await compactionHolding(dest, now)
      const run = await newVersion(dest, { now, waitMs: 0 })
      await expect(run.hold()).rejects.toBeInstanceOf(RetryableError)
      clock += 121_000
      await run.hold()
      await run.commit(manifestOf('v2'))
      expect(await keys(dest)).toEqual([manifestKey(PREFIX, SOURCE, 'v2'), partKey].sort())
    })
  })

  describe('after compaction merged an earlier run', () => {
    async function compacted(dest: MemoryStorage): Promise<void> {
      await committed(dest, manifestOf('v1'))
      await dest.delete(partKey)
      const output = { key: `${PREFIX}dt=2021-02-03/event_name=StartBack2BackCall/compact-abc-000.parquet`, rows: 3, bytes: 10 }
      await dest.put(output.key, 'parquet')
      const record: CompactionRecord = {
        version: 1,
        id: 'abc',
        ...day,
        state: 'written',
        startedAt: '',
        finishedAt: '',
        inputs: [{ key: partKey, etag: 'p', bytes: 10 }],
        outputs: [output],
        sources: [SOURCE],
        rows: { in: 3, out: 3, duplicates: 0, superseded: 0 },
      }
      await dest.put(compactionRecordKey(PREFIX, day, 'abc'), JSON.stringify(record))
    }

    it('does not write the same version again where its rows sit in a compacted file', async () => {
      const dest = new MemoryStorage()
      await compacted(dest)
      const entry = await beginArchive(dest, PREFIX, { source: SOURCE, etag: 'v1' }, { force: true })
      if (entry.kind !== 'convert') throw new Error(`expected a run, got ${entry.kind}`)
      await entry.run.hold()
      expect(entry.run.shouldWrite(partKey)).toBe(false)
      expect(entry.run.tombstones([{ key: partKey, ...day, rows: 3, bytes: 10 }])).toEqual([])
    })

    it('writes a new version, and a tombstone where it no longer has rows', async () => {
      const dest = new MemoryStorage()
      await compacted(dest)
      const entry = await beginArchive(dest, PREFIX, { source: SOURCE, etag: 'v2' })
      if (entry.kind !== 'convert') throw new Error(`expected a run, got ${entry.kind}`)
      await entry.run.hold()
      expect(entry.run.shouldWrite(partKey)).toBe(true)
      expect(entry.run.tombstones([])).toEqual([{ key: partKey, ...day }])
    })
  })
})
