import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { fileNameOf } from '../../lib/layout.js'
import { listRecords } from '../../lib/ledger/compaction-records.js'
import { readManifest } from '../../lib/ledger/manifest.js'
import { mayOverlap } from '../../lib/ledger/visibility.js'
import { type ArchiveResult, processArchive } from '../../lib/pipeline.js'
import { readTableSnapshot } from '../../lib/query/table-snapshot.js'
import { openParquet } from '../../lib/read/parquet-read.js'
import { type Outcome, processArchives } from '../../lib/run-archives.js'
import { readAll } from '../../lib/storage/read.js'
import { cccEvent, cccEvents, dataFiles, ecsEvent, expectAccountedExactly, idsOf, manifests, quarantineRecords, tableIds } from '../reliability/harness.js'
import { testPipeline } from '../support/pipeline.js'
import { NAMES, putDay, rewrite } from './day.js'

const settled = (outcomes: Outcome[]) => outcomes.filter((o): o is ArchiveResult => o.status !== 'failed')

describe('a batch of archives (a day folder) through processArchives', () => {
  it('writes one file per partition for the whole batch and one manifest per archive naming it', async () => {
    const pipeline = await testPipeline()
    const day = await putDay(pipeline.source, 6)
    const outcomes: Outcome[] = []
    const summary = await processArchives(pipeline, day.keys, { onOutcome: (o) => outcomes.push(o) })
    expect(summary).toMatchObject({ archives: 6, written: 6, failed: 0 })

    const files = await dataFiles(pipeline.dest)
    // Three names on 2021-02-03 and the late ListConfig event on 2021-02-02: four partitions, one file each.
    expect(files).toHaveLength(NAMES.length + 1)
    for (const file of files) expect(file).toMatch(/\/batch-[0-9a-f]{8}_[0-9a-f]{16}-000\.parquet$/)
    expectAccountedExactly(settled(outcomes), await tableIds(pipeline.destRoot), day.ids)

    const manifest = await readManifest(pipeline.dest, (await manifests(pipeline.dest))[0])
    expect(manifest.status).toBe('written')
    expect(manifest.outputs.map((o) => o.key).sort()).toEqual(files.sort())
    for (const file of files) {
      const table = openParquet(await readAll(pipeline.dest, file))
      expect(table.rowGroups.length).toBeGreaterThanOrEqual(1)
    }

    // Each partition's record: `written`, the file as its output, the archives with rows there as sources.
    const records = await listRecords(pipeline.dest, '', { dt: '2021-02-03', eventName: 'ListUsers' })
    expect(records).toHaveLength(1)
    expect(records[0].record).toMatchObject({ state: 'written', inputs: [], sources: [...day.keys].sort() })
    expect(records[0].record.outputs).toEqual([expect.objectContaining({ rows: 6 })])
    const late = await listRecords(pipeline.dest, '', { dt: '2021-02-02', eventName: 'ListConfig' })
    expect(late[0].record.sources).toEqual([day.keys[0]])
  })

  it('batches of two delivery days share the partitions late events reach, and a reader needs neither record there', async () => {
    const pipeline = await testPipeline()
    const day = await putDay(pipeline.source, 3)
    const next: string[] = []
    const nextIds: string[] = []
    for (const minute of ['05', '10']) {
      const late = cccEvent(`next-${minute}-late`, { eventName: 'ListUsers', eventTime: `2021-02-03T23:${minute}:00Z` })
      const own = cccEvent(`next-${minute}`, { eventName: 'ListUsers', eventTime: `2021-02-04T00:${minute}:00Z` })
      next.push(await putArchive(pipeline.source, [late, own], { deliveredAt: new Date(`2021-02-04T00:${minute}:30Z`) }))
      nextIds.push(String(late.eventId), String(own.eventId))
    }
    const outcomes: Outcome[] = []
    await processArchives(pipeline, [...day.keys, ...next], { onOutcome: (o) => outcomes.push(o) })

    const shared = (await dataFiles(pipeline.dest)).filter((key) => key.startsWith('dt=2021-02-03/event_name=ListUsers/'))
    expect(shared).toHaveLength(2)
    expect(mayOverlap(shared.map(fileNameOf))).toBe(false)
    expect((await readTableSnapshot(pipeline.dest, '')).records).toEqual([])
    expectAccountedExactly(settled(outcomes), await tableIds(pipeline.destRoot), [...day.ids, ...nextIds])
  })

  it('answers already_done for a rerun of the batch or of any archive in it, and writes nothing', async () => {
    const pipeline = await testPipeline()
    const day = await putDay(pipeline.source, 4)
    await processArchives(pipeline, day.keys)
    const before = await dataFiles(pipeline.dest)
    const again = await processArchives(pipeline, day.keys)
    expect(again).toMatchObject({ archives: 4, alreadyDone: 4, written: 0 })
    expect((await processArchive(pipeline, day.keys[2])).status).toBe('already_done')
    expect(await dataFiles(pipeline.dest)).toEqual(before)
    expect(await tableIds(pipeline.destRoot)).toEqual([...day.ids].sort())
  })

  it('quarantines a poison archive alone and writes the rest of the batch; per-event quarantine stays per archive', async () => {
    const pipeline = await testPipeline()
    const day = await putDay(pipeline.source, 4)
    const poison = await putArchive(pipeline.source, cccEvents('poison', 3), {
      deliveredAt: new Date('2021-02-03T01:40:30Z'),
      body: gzipSync(Buffer.from('[{"eventId": "cut')),
    })
    const badEvent = await putArchive(pipeline.source, [cccEvent('ok-1', { eventName: 'ListUsers' }), cccEvent('no-time', { eventTime: 'yesterday' })], {
      deliveredAt: new Date('2021-02-03T01:45:30Z'),
    })
    const outcomes: Outcome[] = []
    await processArchives(pipeline, [...day.keys, poison, badEvent], { onOutcome: (o) => outcomes.push(o) })
    const byKey = new Map(outcomes.map((o) => [o.key, o]))
    expect(byKey.get(poison)).toMatchObject({ status: 'quarantined', reason: 'invalid_json' })
    expect(byKey.get(badEvent)).toMatchObject({ status: 'written', reason: 'event_time_invalid', counts: { events: 2, rows: 1, quarantined: 1 } })
    const records = await quarantineRecords(pipeline.dest)
    expect(records.map((r) => [r.source, r.scope, r.reason]).sort()).toEqual(
      [
        [poison, 'archive', 'invalid_json'],
        [badEvent, 'events', 'event_time_invalid'],
      ].sort(),
    )
    expectAccountedExactly(settled(outcomes), await tableIds(pipeline.destRoot), [...day.ids, 'ok-1'])
    expect((await dataFiles(pipeline.dest)).every((key) => /\/batch-/.test(key))).toBe(true)
  })

  it('a new version of one archive replaces only its rows: its part files (and a tombstone) win over the batch file, which stays', async () => {
    const pipeline = await testPipeline()
    const day = await putDay(pipeline.source, 4)
    await processArchives(pipeline, day.keys)
    const batchFiles = await dataFiles(pipeline.dest)
    // Same key, new body (so a new ETag), the same number of events: ListConfig is gone, ListUsers changed.
    const target = day.keys[1]
    await rewrite(pipeline.source, target, [
      cccEvent('v2-users', { eventName: 'ListUsers' }),
      cccEvent('v2-token', { eventName: 'RefreshToken' }),
      ecsEvent('v2-a'),
      ecsEvent('v2-b'),
    ])
    const result = await processArchive(pipeline, target)
    expect(result).toMatchObject({ status: 'written', counts: { rows: 2 } })
    const files = await dataFiles(pipeline.dest)
    for (const file of batchFiles) expect(files).toContain(file)
    const parts = files.filter((key) => /\/part-/.test(key))
    // ListUsers and RefreshToken rows, and an empty part file (tombstone) where the old version had ListConfig rows.
    expect(parts).toHaveLength(3)
    const v1 = day.events.get(target)!.map((e) => String(e.eventId))
    expect(await tableIds(pipeline.destRoot)).toEqual([...day.ids.filter((id) => !v1.includes(id)), 'v2-token', 'v2-users'].sort())
    // Reprocessing the old manifest's shared file never deleted it; a rerun of the new version is done.
    expect((await processArchive(pipeline, target)).status).toBe('already_done')
  })

  it('a forced rerun of a batch writes no duplicate rows', async () => {
    const pipeline = await testPipeline()
    const day = await putDay(pipeline.source, 3)
    await processArchives(pipeline, day.keys)
    const summary = await processArchives(pipeline, day.keys, { force: true })
    expect(summary).toMatchObject({ written: 3 })
    expect(await tableIds(pipeline.destRoot)).toEqual([...day.ids].sort())
  })

  it('converts an archive too big to hold whole alone, into part files, and the rest in the batch', async () => {
    // 8 MB of memory: a batch holds an archive whole up to a quarter of its row buffer (see memory-plan.ts).
    const pipeline = await testPipeline({ options: { memoryLimitBytes: 8 << 20 } })
    const day = await putDay(pipeline.source, 3)
    const padding = 'x'.repeat(4000)
    const big = Array.from({ length: 400 }, (_, i) => cccEvent(`big-${i}`, { eventName: 'ListUsers', userAgent: `${padding}${i}` }))
    const bigKey = await putArchive(pipeline.source, big, { deliveredAt: new Date('2021-02-03T01:50:30Z') })
    const outcomes: Outcome[] = []
    await processArchives(pipeline, [...day.keys, bigKey], { onOutcome: (o) => outcomes.push(o) })
    expect(outcomes.every((o) => o.status === 'written')).toBe(true)
    const files = await dataFiles(pipeline.dest)
    expect(files.filter((key) => /\/part-/.test(key))).toHaveLength(1)
    expect(await tableIds(pipeline.destRoot)).toEqual([...day.ids, ...idsOf(big)].sort())
  })

  it('streams row groups out as memory requires, whatever the batch size', async () => {
    const pipeline = await testPipeline({ options: { memoryLimitBytes: 8 << 20 } })
    const keys: string[] = []
    const ids: string[] = []
    const padding = 'y'.repeat(3000)
    for (let i = 0; i < 12; i++) {
      const events = Array.from({ length: 300 }, (_, j) => cccEvent(`s${i}-${j}`, { eventName: 'ListUsers', userAgent: `${padding}${j}` }))
      keys.push(await putArchive(pipeline.source, events, { deliveredAt: new Date(`2021-02-03T02:${String(i * 4).padStart(2, '0')}:30Z`) }))
      ids.push(...idsOf(events))
    }
    await processArchives(pipeline, keys)
    const files = await dataFiles(pipeline.dest)
    expect(files).toHaveLength(1)
    // ~11 MB of rows through an 8 MB bound: several row groups, flushed while the batch was read.
    expect(openParquet(await readAll(pipeline.dest, files[0])).rowGroups.length).toBeGreaterThan(2)
    expect(await tableIds(pipeline.destRoot)).toEqual(ids.sort())
  })
})
