import { describe, expect, it } from 'vitest'
import { heapFlags, memoryPlan } from '../lib/memory-plan.js'

const MB = 1024 * 1024

describe('memoryPlan', () => {
  it('shares the default 256 MB among rows, output and uploads, and caps the heap below the bound', () => {
    const plan = memoryPlan(256 * MB)
    expect(plan.rowBufferBytes + plan.outputBufferBytes + plan.uploadQueueBytes).toBeLessThan(0.5 * 256 * MB)
    expect(plan.rowBufferBytes).toBeGreaterThan(plan.outputBufferBytes)
    expect(plan.oldSpaceMB).toBe(192)
    expect(heapFlags(plan)).toEqual(['--max-old-space-size=192', `--max-semi-space-size=${plan.semiSpaceMB}`])
  })

  it('depends on the bound only, never on an archive: buffers scale with it', () => {
    const small = memoryPlan(128 * MB)
    const large = memoryPlan(1024 * MB)
    expect(large.rowBufferBytes).toBeCloseTo(8 * small.rowBufferBytes, -2)
    expect(large.outputBufferBytes).toBeCloseTo(8 * small.outputBufferBytes, -2)
    expect(large.oldSpaceMB).toBe(768)
  })

  it('keeps workable minimums for tiny bounds', () => {
    const plan = memoryPlan(1)
    expect(plan.rowBufferBytes).toBe(8 * MB)
    expect(plan.outputBufferBytes).toBe(MB)
    expect(plan.uploadQueueBytes).toBe(MB)
    expect(plan.oldSpaceMB).toBe(96)
  })

  it('sizes the heap for the archives held at once, not their buffers', () => {
    const one = memoryPlan(256 * MB)
    const four = memoryPlan(256 * MB, 4)
    expect(four.oldSpaceMB).toBe(4 * one.oldSpaceMB)
    expect(four.rowBufferBytes).toBe(one.rowBufferBytes)
  })
})
