import { describe, expect, it } from 'vitest'
import { archiveKey, classifyKey, parseArchiveKey } from '../../lib/source/archive-key.js'

const single = 'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/Actiontrail_cn-shanghai_20210203041500_1002_12_3456_0a1b2c3d4e5f60718293a4b5c6d7e8f9.gz'

describe('ActionTrail archive keys', () => {
  it('parses a single-account key with an empty prefix', () => {
    expect(parseArchiveKey(single)).toEqual({
      key: single,
      prefix: '',
      rdId: undefined,
      accountId: undefined,
      region: 'cn-shanghai',
      folderDate: '2021-02-03',
      deliveredAt: '2021-02-03T04:15:00Z',
      eventCount: 12,
      fileSize: 3456,
      md5: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    })
  })

  it('parses a user prefix and a multi-account (resource directory) path', () => {
    const key =
      'trails/prod/AliyunLogs/Actiontrail/rd-a1b2c3/1059804828509/ap-southeast-1/2021/12/31/Actiontrail_ap-southeast-1_20211231235959_1002_7_99_abc.gz'
    expect(parseArchiveKey(key)).toMatchObject({
      prefix: 'trails/prod/',
      rdId: 'rd-a1b2c3',
      accountId: '1059804828509',
      region: 'ap-southeast-1',
      folderDate: '2021-12-31',
      eventCount: 7,
    })
  })

  it('round-trips through the key builder', () => {
    const key = archiveKey({
      prefix: 'p/',
      rdId: 'rd-x',
      accountId: '42',
      region: 'cn-beijing',
      deliveredAt: new Date('2022-01-01T00:05:00Z'),
      eventCount: 3,
      fileSize: 10,
      md5: 'ff',
    })
    expect(key).toBe('p/AliyunLogs/Actiontrail/rd-x/42/cn-beijing/2022/01/01/Actiontrail_cn-beijing_20220101000500_1002_3_10_ff.gz')
    expect(parseArchiveKey(key)?.deliveredAt).toBe('2022-01-01T00:05:00Z')
  })

  it('tells Insight archives and other objects apart', () => {
    expect(classifyKey('AliyunLogs/Actiontrail-Insight/cn-shanghai/2021/02/03/Insight_x.gz').kind).toBe('insight')
    for (const other of [
      'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/readme.txt',
      single.replace('.gz', '.json'),
      single.replace('/03/Actiontrail', '/04/Actiontrail'), // timestamp disagrees with the folder date
      single.replace('cn-shanghai_2021', 'cn-beijing_2021'), // region disagrees with the folder
      'ccc-parquet/ccc_events/dt=2021-02-03/event_name=ListConfig/part-1.parquet',
      single.replace('20210203041500', '20210203046100'), // no such time
    ]) {
      expect(classifyKey(other).kind, other).toBe('other')
    }
  })
})
