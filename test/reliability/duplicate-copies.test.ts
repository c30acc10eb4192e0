import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactTable } from '../../lib/compact/compact-table.js'
import { encodeBody, putArchive } from '../../lib/demo/archive.js'
import { listRecords } from '../../lib/ledger/compaction-records.js'
import { silentLogger } from '../../lib/log.js'
import { processArchives } from '../../lib/run-archives.js'
import type { Storage } from '../../lib/storage/types.js'
import { startLakeServer } from '../support/oss-lake.js'
import type { OssServer } from '../support/oss-server.js'
import { testPipeline } from '../support/pipeline.js'
import { cccEvent, sorted } from './harness.js'
import { folderLake, type Lake, ossLake } from './lakes.js'

/**
 * Fault matrix, issue 22 item 2: an event delivered in two archives keeps a live copy. Event E is in
 * archives A and B; compaction keeps one copy and drops the other as a duplicate; then the archive it
 * kept is re-delivered (a new version) without E. E must stay in the table, from the other archive —
 * for readers at once (the compaction record's stand-ins, lib/ledger/visibility.ts), and in the files
 * after the next compaction.
 */

let server: OssServer
beforeAll(async () => {
  server = await startLakeServer()
})
afterAll(() => server.close())

const lakes: Record<string, () => Promise<Lake>> = { folder: folderLake, oss: async () => ossLake(server) }
const at = (minute: number) => ({ eventTime: `2021-02-03T04:${String(minute).padStart(2, '0')}:00Z` })

function compact(dest: Storage) {
  return compactTable(dest, '', { selection: { date: '2021-02-03' }, targetBytes: 128 << 20 }, silentLogger)
}

/** The source a compacted partition's one record says it kept event `id` from: the archive whose row stands in for the others. */
async function keptFrom(dest: Storage, id: string, archives: Record<string, string>): Promise<string> {
  const [{ record }] = await listRecords(dest, '', { dt: '2021-02-03', eventName: String(cccEvent('x').eventName) })
  const droppedFrom = record.standIns?.[id] ?? []
  const kept = Object.keys(archives).filter((name) => !droppedFrom.includes(archives[name]))
  expect(kept, `exactly one archive's copy of ${id} is kept`).toHaveLength(1)
  return kept[0]
}

describe.each(Object.keys(lakes))('an event in two archives, on %s', (driver) => {
  it('survives a new version of the archive its kept copy came from, and a forced rerun of the other adds nothing', async () => {
    const lake = await lakes[driver]()
    const pipeline = await testPipeline({ dest: lake.dest })
    const E = cccEvent('E', at(10))
    const events = { A: [E, cccEvent('a1', at(11)), cccEvent('a2', at(12))], B: [E, cccEvent('b1', at(13))] }
    const keys = {
      A: await putArchive(pipeline.source, events.A, { deliveredAt: new Date('2021-02-03T04:15:00Z') }),
      B: await putArchive(pipeline.source, events.B, { deliveredAt: new Date('2021-02-03T04:20:00Z') }),
    }
    await processArchives(pipeline, Object.values(keys), { concurrency: 1, perArchive: true })
    expect(await compact(lake.dest)).toMatchObject({ compacted: 1, duplicates: 1 })
    expect(await lake.ids()).toEqual(['E', 'a1', 'a2', 'b1'])

    // The archive whose copy was kept is delivered again without E (same key, new content: a new version;
    // as many events as before, since the key carries the count).
    const kept = (await keptFrom(lake.dest, 'E', keys)) as 'A' | 'B'
    const other = kept === 'A' ? 'B' : 'A'
    const newVersion = [...events[kept].filter((e) => e !== E), cccEvent(`${kept.toLowerCase()}9`, at(14))]
    await pipeline.source.put(keys[kept], gzipSync(encodeBody(newVersion)))
    const rerun = await processArchives(pipeline, [keys[kept]], { concurrency: 1 })
    expect(rerun).toMatchObject({ archives: 1, written: 1 })

    const expected = sorted(['E', ...[...events[other], ...newVersion].map((e) => String(e.eventId))].filter((id, i, all) => all.indexOf(id) === i))
    // Before any compaction, a reader already shows E from the archive that still holds it.
    expect(await lake.ids(), `right after the new version of ${kept}`).toEqual(expected)
    const sourceOfE = "SELECT source_object FROM ccc_events WHERE event_id = 'E'"
    expect(await lake.rows(sourceOfE)).toEqual([{ source_object: keys[other] }])
    await compact(lake.dest)
    expect(await lake.rows(sourceOfE), 'the compaction keeps it under the same source').toEqual([{ source_object: keys[other] }])
    expect(await lake.ids(), `after compacting the new version of ${kept}`).toEqual(expected)

    // The sequence of the issue goes on with a forced rerun of the other archive and another compaction.
    await processArchives(pipeline, [keys[other]], { concurrency: 1, force: true })
    await compact(lake.dest)
    expect(await lake.ids(), `after process --force ${other} and compaction`).toEqual(expected)

    // And the copy survives a re-delivery of that archive too, now that E stands for it alone: only a
    // version without E removes it.
    const otherVersion = [...events[other].filter((e) => e !== E), cccEvent(`${other.toLowerCase()}8`, at(15))]
    await pipeline.source.put(keys[other], gzipSync(encodeBody(otherVersion)))
    await processArchives(pipeline, [keys[other]], { concurrency: 1 })
    await compact(lake.dest)
    expect(await lake.ids(), `after ${other} too is delivered without E`).toEqual(sorted([...expected.filter((id) => id !== 'E'), `${other.toLowerCase()}8`]))
  })
})
