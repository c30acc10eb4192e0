import { describe, expect, it } from 'vitest'
import { FingerprintSet } from '../../lib/util/fingerprint-set.js'

describe('FingerprintSet', () => {
  it('adds each string once and reports repeats, across growth', () => {
    const set = new FingerprintSet()
    const ids = Array.from({ length: 50_000 }, (_, i) => `${i.toString(16)}-4f1e-${(i * 7919) % 100_000}-ccc`)
    expect(ids.every((id) => set.add(id))).toBe(true)
    expect(set.size).toBe(ids.length)
    expect(ids.filter((id) => set.add(id))).toEqual([])
    expect(set.size).toBe(ids.length)
  })

  it('tells apart near-identical and non-ASCII ids, and the empty string', () => {
    const set = new FingerprintSet()
    for (const id of ['', 'a', 'b', 'ab', 'ba', '坐席', '坐席 ', 'A'.repeat(1000), 'A'.repeat(1001)]) expect(set.add(id), id).toBe(true)
    expect(set.add('坐席')).toBe(false)
    expect(set.add('')).toBe(false)
  })
})
