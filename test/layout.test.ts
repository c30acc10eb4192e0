import { describe, expect, it } from 'vitest'
import { escapePartitionValue, HIVE_DEFAULT_PARTITION, partitionPath, unescapePartitionValue } from '../lib/layout.js'
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
