import { cp } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactTable } from '../../lib/compact/compact-table.js'
import { createRng } from '../../lib/demo/rng.js'
import { silentLogger } from '../../lib/log.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { OssStorage } from '../../lib/storage/oss.js'
import type { Storage } from '../../lib/storage/types.js'
import { CrashingStorage } from '../support/crashing-storage.js'
import { type OssServer, startOssServer } from '../support/oss-server.js'
import { testPipeline } from '../support/pipeline.js'
import { DAY, putHourlyArchives, rollUp, visibleEventIds } from '../support/rollup-day.js'
import { TEST_SEED } from '../support/seed.js'
import { AFTER_CRASHED_LEASES, filesByPartition, processAll } from '../support/table-runs.js'
import { tempDir } from '../support/temp.js'

/** A table root the crash matrix can copy. */
interface Lake {
  storage: Storage
  copy(): Promise<Lake>
}

function folderLake(root: string): Lake {
  return {
    storage: new FsStorage(root),
    copy: async () => {
      const copy = await tempDir('ccc-rollup-crash')
      await cp(root, copy, { recursive: true, preserveTimestamps: true })
      return folderLake(copy)
    },
  }
}

const CREDENTIALS = { accessKeyId: 'LTAI5tRollUpCrashKey', accessKeySecret: 'rollup-crash-secret-7Qa' }
let server: OssServer
let buckets = 0

function ossLake(bucket: string): Lake {
  return {
    storage: new OssStorage({ bucket, endpoint: server.endpoint, ...CREDENTIALS, retries: 0, timeoutMs: 10_000 }),
    copy: async () => {
      const copy = `rollup-copy-${++buckets}`
      server.cloneBucket(bucket, copy)
      return ossLake(copy)
    },
  }
}

beforeAll(async () => {
  server = await startOssServer(CREDENTIALS)
})
afterAll(() => server.close())

const drivers = {
  folder: { make: async () => folderLake(await tempDir('ccc-rollup-lake')), points: Infinity },
  oss: {
    make: async () => {
      const bucket = `rollup-crash-${++buckets}`
      server.bucket(bucket)
      return ossLake(bucket)
    },
    points: 8,
  },
}

/** Every mutation when `count` allows; otherwise one seeded pick from each of `count` equal stretches. */
function crashPoints(mutations: number, count: number): number[] {
  if (mutations <= count) return Array.from({ length: mutations }, (_, i) => i)
  const rng = createRng(TEST_SEED + mutations)
  return Array.from({ length: count }, (_, i) => rng.int(Math.floor((i * mutations) / count), Math.floor(((i + 1) * mutations) / count) - 1))
}

const shape = async (storage: Storage) => [...(await filesByPartition(storage)).entries()].map(([folder, names]) => [folder, names.sort()])

describe.each(Object.keys(drivers) as (keyof typeof drivers)[])(`roll-up interrupted at a write or delete (seed ${TEST_SEED}): %s`, (driver) => {
  it('never loses or doubles a row, and the next roll-up and the finalization end where uninterrupted ones end', async () => {
    const lake = await drivers[driver].make()
    const pipeline = await testPipeline({ dest: lake.storage })
    await processAll(pipeline, await putHourlyArchives(pipeline.source, 0, 4))
    await rollUp(lake.storage)
    await processAll(pipeline, await putHourlyArchives(pipeline.source, 4, 4))
    const before = await visibleEventIds(lake.storage)

    const clean = await lake.copy()
    const counting = new CrashingStorage(clean.storage)
    await rollUp(counting)
    const expected = await visibleEventIds(clean.storage)
    const expectedFiles = await shape(clean.storage)
    expect(new Set(expected)).toEqual(new Set(before))
    expect(expected.length, 'the roll-up dropped the re-delivered events of the hour').toBeLessThan(before.length)

    for (const crashAt of crashPoints(counting.mutations, drivers[driver].points)) {
      const crashed = await lake.copy()
      await expect(rollUp(new CrashingStorage(crashed.storage, crashAt))).rejects.toThrow(/crashed/)
      const visible = await visibleEventIds(crashed.storage)
      expect(new Set(visible), `rows after a crash before mutation ${crashAt}`).toEqual(new Set(before))
      expect(visible.length, `no row twice after a crash before mutation ${crashAt}`).toBeLessThanOrEqual(before.length)

      await rollUp(crashed.storage, AFTER_CRASHED_LEASES)
      expect(await visibleEventIds(crashed.storage), `rows after recovering from mutation ${crashAt}`).toEqual(expected)
      expect(await shape(crashed.storage), `files after recovering from mutation ${crashAt}`).toEqual(expectedFiles)
      await compactTable(crashed.storage, '', { selection: { date: DAY }, targetBytes: 128 << 20, ...AFTER_CRASHED_LEASES }, silentLogger)
      expect(await visibleEventIds(crashed.storage), `rows after finalizing (crash before mutation ${crashAt})`).toEqual([...new Set(expected)].sort())
    }
  })
})
