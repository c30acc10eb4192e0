import { describe, expect, it } from 'vitest'
import { batchesOf, shareOut } from '../../lib/batch/batches.js'

const day = (d: number, n: number) => Array.from({ length: n }, (_, i) => `trail/2021/02/0${d}/a${String(i).padStart(3, '0')}.gz`)

describe('batchesOf', () => {
  it('groups consecutive keys of one folder, at most `max` each', async () => {
    const batches: string[][] = []
    for await (const batch of batchesOf([...day(1, 5), ...day(2, 3)], 4)) batches.push(batch)
    expect(batches).toEqual([day(1, 5).slice(0, 4), day(1, 5).slice(4), day(2, 3)])
  })
})

describe('shareOut', () => {
  it('cuts the last batches into one contiguous share per worker, equal to one key', () => {
    const days = [day(1, 288), day(2, 288), day(3, 288)]
    const shares = shareOut(days, 2)
    expect(shares.map((s) => s.length)).toEqual([432, 432])
    expect(shares.flat()).toEqual(days.flat())
    expect(shareOut([day(1, 5)], 2).map((s) => s.length)).toEqual([2, 3])
  })

  it('makes no empty share, and one share of everything for one worker', () => {
    expect(shareOut([day(1, 1)], 4)).toEqual([day(1, 1)])
    expect(shareOut([], 2)).toEqual([])
    expect(shareOut([day(1, 2), day(2, 2)], 1)).toEqual([[...day(1, 2), ...day(2, 2)]])
  })
})
