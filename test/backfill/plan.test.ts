import { describe, expect, it } from 'vitest'
import { findTrailRoots } from '../../lib/backfill/list-window.js'
import { type DayPlan, planWindow } from '../../lib/backfill/plan.js'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { silentLogger } from '../../lib/log.js'
import { processArchive } from '../../lib/pipeline.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import { readAll } from '../../lib/storage/read.js'
import type { Storage } from '../../lib/storage/types.js'
import { TEST_OPTIONS } from '../support/pipeline.js'
import { recording } from './recording-storage.js'

const at = (iso: string) => new Date(iso)

async function collect(days: AsyncIterable<DayPlan>): Promise<DayPlan[]> {
  const all: DayPlan[] = []
  for await (const day of days) all.push(day)
  return all
}

/** One archive per (location, delivery time), with a distinct event each. */
async function putAt(
  storage: Storage,
  deliveredAt: string,
  location: { region?: string; rdId?: string; accountId?: string; prefix?: string } = {},
): Promise<string> {
  return putArchive(storage, [{ ...seedSampleEvent(), eventId: `${deliveredAt}-${JSON.stringify(location)}`, eventTime: deliveredAt }], {
    deliveredAt: at(deliveredAt),
    ...location,
  })
}

describe('backfill listing by delivery folder', () => {
  it('finds single-account regions and resource-directory accounts by folder structure', async () => {
    const source = new MemoryStorage()
    await putAt(source, '2021-02-01T01:00:00Z', { prefix: 'trail/', region: 'cn-shanghai' })
    await putAt(source, '2021-02-01T01:00:00Z', { prefix: 'trail/', region: 'cn-beijing' })
    await putAt(source, '2021-02-01T01:00:00Z', { prefix: 'trail/', rdId: 'rd-Ab12Cd', accountId: '1234567890123456', region: 'cn-shanghai' })
    await putAt(source, '2021-02-01T01:00:00Z', { prefix: 'trail/', rdId: 'rd-Ab12Cd', accountId: '6543210987654321', region: 'cn-hangzhou' })
    await source.put('trail/AliyunLogs/Actiontrail-Insight/cn-shanghai/2021/02/01/x.gz', 'insight')
    await source.put('other/AliyunLogs/Actiontrail/cn-shanghai/2021/02/01/y.gz', 'another prefix')
    expect(await findTrailRoots(source, 'trail/')).toEqual([
      { folder: 'trail/AliyunLogs/Actiontrail/cn-beijing/', region: 'cn-beijing' },
      { folder: 'trail/AliyunLogs/Actiontrail/cn-shanghai/', region: 'cn-shanghai' },
      {
        folder: 'trail/AliyunLogs/Actiontrail/rd-Ab12Cd/1234567890123456/cn-shanghai/',
        rdId: 'rd-Ab12Cd',
        accountId: '1234567890123456',
        region: 'cn-shanghai',
      },
      {
        folder: 'trail/AliyunLogs/Actiontrail/rd-Ab12Cd/6543210987654321/cn-hangzhou/',
        rdId: 'rd-Ab12Cd',
        accountId: '6543210987654321',
        region: 'cn-hangzhou',
      },
    ])
  })

  it('lists exactly the window days across month and year boundaries, in every region and account', async () => {
    const source = recording(new MemoryStorage())
    // A four-digit account id must not pass for a year folder.
    const locations = [{ region: 'cn-shanghai' }, { region: 'ap-southeast-1' }, { rdId: 'rd-x1', accountId: '1111', region: 'cn-beijing' }]
    const inside: string[] = []
    for (const location of locations) {
      for (const time of ['2020-12-31T23:58:00Z', '2021-01-01T00:03:00Z', '2021-01-31T12:00:00Z', '2021-02-01T00:10:00Z'])
        inside.push(await putAt(source, time, location))
      for (const time of ['2020-12-30T23:59:59Z', '2021-02-02T00:00:01Z', '2022-01-01T00:00:00Z']) await putAt(source, time, location)
    }
    await source.put('AliyunLogs/Actiontrail/cn-shanghai/2021/01/01/readme.txt', 'not an archive')
    source.calls.length = 0
    // From the last day of 2020 to the first day of February 2021: 33 delivery days.
    const days = await collect(planWindow(source, new MemoryStorage(), { sourcePrefix: '', destPrefix: '', window: { from: '2020-12-31', to: '2021-02-01' } }))
    const dayOf = (i: number) => new Date(Date.UTC(2020, 11, 31 + i)).toISOString().slice(0, 10)
    expect(days.map((d) => d.day)).toEqual(Array.from({ length: 33 }, (_, i) => dayOf(i)))
    expect(days.flatMap((d) => d.pending.map((p) => p.key)).sort()).toEqual(inside.sort())
    expect(days.flatMap((d) => d.others)).toEqual(['AliyunLogs/Actiontrail/cn-shanghai/2021/01/01/readme.txt'])
    // Folders only: no archive is read, no listing spans more than one day folder (or the root walk).
    expect(source.calls.filter((c) => c.op !== 'list')).toEqual([])
    const dayLists = source.calls.filter((c) => c.delimiter === undefined)
    const folderOf = (location: (typeof locations)[number], day: string) =>
      `AliyunLogs/Actiontrail/${'rdId' in location ? `${location.rdId}/${location.accountId}/` : ''}${location.region}/${day.replaceAll('-', '/')}/`
    expect(dayLists.map((c) => c.key).sort()).toEqual(locations.flatMap((location) => days.map((d) => folderOf(location, d.day))).sort())
  })

  it('skips archives whose manifest has the same etag, listing one manifest folder per day folder', async () => {
    const source = new MemoryStorage()
    const dest = recording(new MemoryStorage())
    const keys = [await putAt(source, '2021-02-01T00:10:00Z'), await putAt(source, '2021-02-01T00:15:00Z'), await putAt(source, '2021-02-02T00:10:00Z')]
    const pipeline = { source, dest, destPrefix: 'lake/', log: silentLogger, options: TEST_OPTIONS }
    await processArchive(pipeline, keys[0])
    await processArchive(pipeline, keys[2])
    dest.calls.length = 0
    const plan = () => collect(planWindow(source, dest, { sourcePrefix: '', destPrefix: 'lake/', window: { from: '2021-02-01', to: '2021-02-02' } }))
    const days = await plan()
    expect(days.map((d) => [d.day, d.listed, d.done, d.pending.map((p) => p.key)])).toEqual([
      ['2021-02-01', 2, 1, [keys[1]]],
      ['2021-02-02', 1, 1, []],
    ])
    expect(dest.calls).toEqual([
      { op: 'list', key: 'lake/_ccc_trail/manifests/AliyunLogs/Actiontrail/cn-shanghai/2021/02/01/' },
      { op: 'list', key: 'lake/_ccc_trail/manifests/AliyunLogs/Actiontrail/cn-shanghai/2021/02/02/' },
    ])
    // The same key with new content (a new etag) is pending again.
    const body = await readAll(source, keys[0])
    await source.put(keys[0], Buffer.concat([body, body]))
    expect((await plan())[0].pending.map((p) => p.key).sort()).toEqual([keys[0], keys[1]].sort())
    expect(
      (
        await collect(planWindow(source, dest, { sourcePrefix: '', destPrefix: 'lake/', window: { from: '2021-02-02', to: '2021-02-02' }, force: true }))
      )[0].pending.map((p) => p.key),
    ).toEqual([keys[2]])
  })
})
