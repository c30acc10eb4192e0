import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { writeCatalog } from '../../lib/catalog/write-catalog.js'
import { putArchive } from '../../lib/demo/archive.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { COOKBOOK } from '../../lib/query/cookbook.js'
import { readAll } from '../../lib/storage/read.js'
import { queryTable } from '../support/duck.js'
import { testPipeline } from '../support/pipeline.js'
import { compactAll, filesByPartition, processAll, rowCount } from '../support/table-runs.js'

describe('three days of archives, processed and compacted', () => {
  it('one file per partition, rows = rows before minus duplicate event ids, a forced rerun adds nothing, every cookbook query runs', async () => {
    const pipeline = await testPipeline()
    const corpus = await generateCorpus(pipeline.source, { seed: 11, days: 3, archivesPerDay: 8, eventsPerArchive: 40 })
    // ActionTrail delivers some events twice: re-deliver the CCC events of one archive under a new key.
    const events = JSON.parse(gunzipSync(await readAll(pipeline.source, corpus.keys[9])).toString('utf8')) as Record<string, unknown>[]
    const redelivered = await putArchive(
      pipeline.source,
      events.filter((e) => e.serviceName === 'CloudCallCenter'),
      { deliveredAt: new Date('2021-02-02T12:34:56Z') },
    )
    const keys = [...corpus.keys, redelivered]
    expect((await processAll(pipeline, keys)).failed).toBe(0)

    const partitions = await filesByPartition(pipeline.dest)
    const [before] = await queryTable(
      pipeline.destRoot,
      `SELECT sum(n) AS n, sum(dup) AS dup FROM (SELECT count(*) AS n, count(event_id) - count(DISTINCT event_id) AS dup FROM ccc_events GROUP BY dt, event_name)`,
    )
    expect(Number(before.n)).toBe(corpus.cccEvents + events.filter((e) => e.serviceName === 'CloudCallCenter').length)
    expect(Number(before.dup)).toBeGreaterThan(0)

    const summary = await compactAll(pipeline)
    expect(summary).toMatchObject({ compacted: partitions.size, duplicates: Number(before.dup) })
    const after = await filesByPartition(pipeline.dest)
    expect([...after.keys()]).toEqual([...partitions.keys()])
    for (const [folder, files] of after) expect(files, folder).toHaveLength(1)
    expect(await rowCount(pipeline.destRoot)).toBe(Number(before.n) - Number(before.dup))

    const rerun = await processAll(pipeline, keys, true)
    expect(rerun).toMatchObject({ written: keys.length, failed: 0 })
    expect(await rowCount(pipeline.destRoot)).toBe(Number(before.n) - Number(before.dup))
    const [ids] = await queryTable(pipeline.destRoot, 'SELECT count(event_id) - count(DISTINCT event_id) AS dup FROM ccc_events')
    expect(ids.dup).toBe('0')
    expect(await filesByPartition(pipeline.dest)).toEqual(after)

    await writeCatalog(pipeline.dest, pipeline.destPrefix)
    for (const recipe of COOKBOOK) expect((await queryTable(pipeline.destRoot, recipe.sql)).length, recipe.id).toBeGreaterThan(0)
  })
})
