import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { META_DIR } from '../../lib/layout.js'
import { silentLogger } from '../../lib/log.js'
import { localTable } from '../../lib/query/local-table.js'
import { listObjects } from '../../lib/storage/list.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import type { Storage } from '../../lib/storage/types.js'
import { lakeStorage, ossLocation, startLakeServer } from '../support/oss-lake.js'
import type { OssServer } from '../support/oss-server.js'
import { TEST_OPTIONS, testPipeline } from '../support/pipeline.js'
import { compactAll, eventKeys, processAll } from '../support/table-runs.js'
import { tempDir } from '../support/temp.js'

/**
 * `_ccc_trail/` deleted by hand (or lost), then the archives processed again: the compacted files have no
 * record any more and every source has a part file again. Readers must read each source once (the ledger's
 * visibility rule reads the sources of compacted files that no record describes), and so must compaction.
 */

/** Three archives whose events partly repeat the one before, over two event names. */
async function putArchives(source: Storage): Promise<string[]> {
  const keys: string[] = []
  for (let a = 0; a < 3; a++) {
    const events = Array.from({ length: 6 }, (_, i) => {
      const n = a * 4 + i
      return {
        ...seedSampleEvent(),
        eventName: n % 2 ? 'ListConfig' : 'ListUsers',
        eventTime: new Date(Date.UTC(2021, 1, 3, 1, 0, n)).toISOString(),
        eventId: `E${n}`,
      }
    })
    keys.push(await putArchive(source, events, { deliveredAt: new Date(Date.UTC(2021, 1, 3, 2, a)) }))
  }
  return keys
}

async function deleteLedger(dest: Storage, prefix: string): Promise<number> {
  const keys: string[] = []
  for await (const info of listObjects(dest, prefix + META_DIR)) keys.push(info.key)
  await dest.deleteMany(keys)
  return keys.length
}

const unique = (keys: string[]) => [...new Set(keys)].sort()

describe('a table whose ledger records were lost, then reprocessed', () => {
  it('on a folder: query and compaction read every event once', async () => {
    const pipeline = await testPipeline()
    const keys = await putArchives(pipeline.source)
    await processAll(pipeline, keys)
    const uncompacted = await eventKeys(pipeline.destRoot)
    const ids = unique(uncompacted)
    expect(uncompacted.length, 'archives repeat events: compaction drops the repeats').toBeGreaterThan(ids.length)
    await compactAll(pipeline)
    expect(await eventKeys(pipeline.destRoot)).toEqual(ids)

    expect(await deleteLedger(pipeline.dest, '')).toBeGreaterThan(0)
    await processAll(pipeline, keys)
    expect(await eventKeys(pipeline.destRoot), 'each source read once: from its new part file, not also from the compacted file').toEqual(uncompacted)
    await compactAll(pipeline)
    expect(await eventKeys(pipeline.destRoot)).toEqual(ids)
  })

  describe('on OSS', () => {
    let server: OssServer
    beforeAll(async () => {
      server = await startLakeServer()
    })
    afterAll(() => server.close())

    it('query through the mirror and compaction read every event once', async () => {
      const dest = lakeStorage(server)
      const pipeline = { source: new MemoryStorage(), dest, destPrefix: 'ccc/events/', log: silentLogger, options: TEST_OPTIONS }
      const location = ossLocation(dest, pipeline.destPrefix)
      const cache = await tempDir('ccc-mirror')
      const keys = await putArchives(pipeline.source)
      await processAll(pipeline, keys)
      const uncompacted = await eventKeys(await localTable(location, cache))
      const ids = unique(uncompacted)
      await compactAll(pipeline)
      expect(await eventKeys(await localTable(location, cache))).toEqual(ids)

      expect(await deleteLedger(dest, pipeline.destPrefix)).toBeGreaterThan(0)
      await processAll(pipeline, keys)
      expect(await eventKeys(await localTable(location, cache))).toEqual(uncompacted)
      await compactAll(pipeline)
      expect(await eventKeys(await localTable(location, cache))).toEqual(ids)
    })
  })
})
