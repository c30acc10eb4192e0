import { describe, expect, it } from 'vitest'
import {
  escapePartitionValue,
  fileNameOf,
  HIVE_DEFAULT_PARTITION,
  parseDataFileName,
  partFileKey,
  partitionPath,
  sourceId,
  unescapePartitionValue,
} from '../lib/layout.js'
import { dateInZone } from '../lib/util/days.js'

describe('hive partition values', () => {
  it.each(['ListConfig', '../../x', 'a/b', '..', '.', 'a=b', '100%', 'back\\slash', 'x:y', '坐席', 'tab\there', 'q?#*'])(
    'escapes %s into one safe path segment that round-trips',
    (name) => {
      const escaped = escapePartitionValue(name)
      expect(escaped).not.toMatch(/[/\\:=\u0000-\u001f]/)
      expect(escaped).not.toBe('..')
      expect(escaped).not.toBe('.')
      expect(unescapePartitionValue(escaped)).toBe(name)
    },
  )

  it('uses the Hive default partition for a missing name', () => {
    expect(escapePartitionValue('')).toBe(HIVE_DEFAULT_PARTITION)
    expect(escapePartitionValue(null)).toBe(HIVE_DEFAULT_PARTITION)
    expect(partitionPath('2021-02-03', null)).toBe(`dt=2021-02-03/event_name=${HIVE_DEFAULT_PARTITION}/`)
  })

  it('gives an event literally named __HIVE_DEFAULT_PARTITION__ its own folder', () => {
    const escaped = escapePartitionValue(HIVE_DEFAULT_PARTITION)
    expect(escaped).not.toBe(HIVE_DEFAULT_PARTITION)
    expect(unescapePartitionValue(escaped)).toBe(HIVE_DEFAULT_PARTITION)
  })

  it('dates instants in the partition time zone', () => {
    const instant = Date.UTC(2021, 1, 3, 17, 30)
    expect(dateInZone('UTC')(instant)).toBe('2021-02-03')
    expect(dateInZone('Asia/Shanghai')(instant)).toBe('2021-02-04')
    expect(dateInZone('America/Los_Angeles')(Date.UTC(2021, 1, 3, 7, 59))).toBe('2021-02-02')
    expect(dateInZone('Asia/Kolkata')(Date.UTC(2021, 1, 3, 18, 29))).toBe('2021-02-03')
    expect(dateInZone('Asia/Kolkata')(Date.UTC(2021, 1, 3, 18, 30))).toBe('2021-02-04')
  })
})

describe('part file names', () => {
  const key = 'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/Actiontrail_cn-shanghai_20210203041500_1002_2_9_ab.gz'
  const nameOf = (eventName: string | null) => fileNameOf(partFileKey('t/', { dt: '2021-02-03', eventName }, key))

  it('differ in more than case for event names that differ only in case (one folder on a case-insensitive disk)', () => {
    const names = ['ListUsers', 'listusers', 'LISTUSERS', 'ÉventX', 'éventX'].map(nameOf)
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(names.length)
    for (const name of names) expect(name).toBe(name.toLowerCase())
  })

  it('stay the same for the same archive and name, so a rerun overwrites its own file', () => {
    expect(nameOf('ListUsers')).toBe(nameOf('ListUsers'))
    expect(nameOf('ListUsers')).toMatch(new RegExp(`^part-${sourceId(key)}-[0-9a-f]{8}\\.parquet$`))
    expect(nameOf(null)).toMatch(/^part-[0-9a-f]{16}-[0-9a-f]{8}\.parquet$/)
  })

  it('parse back to their source id, old-style names of earlier releases included', () => {
    expect(parseDataFileName(nameOf('ListUsers'))).toEqual({ kind: 'part', sourceId: sourceId(key) })
    expect(parseDataFileName(`part-${sourceId(key)}.parquet`)).toEqual({ kind: 'part', sourceId: sourceId(key) })
    expect(parseDataFileName('part-abc-XYZ.parquet')).toBeUndefined()
    expect(parseDataFileName('compact-0123456789abcdef-001.parquet')).toEqual({ kind: 'group', group: '0123456789abcdef', index: 1 })
  })
})
