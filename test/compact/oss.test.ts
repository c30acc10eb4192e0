import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactTable } from '../../lib/compact/compact-table.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { silentLogger } from '../../lib/log.js'
import { localTable } from '../../lib/query/local-table.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import { lakeStorage, ossLocation, startLakeServer } from '../support/oss-lake.js'
import type { OssServer } from '../support/oss-server.js'
import { TEST_OPTIONS } from '../support/pipeline.js'
import { filesByPartition, processAll, rowCount } from '../support/table-runs.js'
import { tempDir } from '../support/temp.js'

let server: OssServer

beforeAll(async () => {
  server = await startLakeServer()
})
afterAll(() => server.close())

describe('compaction on OSS (real ali-oss client against the OSS-protocol test server)', () => {
  it('compacts under a table prefix, and a forced rerun afterwards adds nothing', async () => {
    const dest = lakeStorage(server)
    const destPrefix = 'ccc-parquet/ccc_events/'
    const pipeline = { source: new MemoryStorage(), dest, destPrefix, log: silentLogger, options: TEST_OPTIONS }
    const corpus = await generateCorpus(pipeline.source, { seed: 9, days: 1, archivesPerDay: 6, eventsPerArchive: 30, lateEvents: false })
    await processAll(pipeline, corpus.keys)
    const before = await filesByPartition(dest, destPrefix)

    const summary = await compactTable(dest, destPrefix, { selection: { date: '2021-02-01' }, targetBytes: 128 << 20 }, silentLogger)
    expect(summary).toMatchObject({ compacted: before.size, filesAfter: before.size })
    await processAll(pipeline, corpus.keys, true)

    const after = await filesByPartition(dest, destPrefix)
    for (const files of after.values()) expect(files).toEqual([expect.stringMatching(/^compact-/)])
    const mirror = await localTable(ossLocation(dest, destPrefix), await tempDir('ccc-mirror'))
    expect(await rowCount(mirror)).toBe(corpus.cccEvents)
  })
})
