import { describe, expect, it } from 'vitest'
import { heapFlagsNeeded, heapRelaunchFlags, RELAUNCHED } from '../../lib/cli/heap.js'
import { heapFlags, memoryPlan } from '../../lib/memory-plan.js'

const MB = 1024 * 1024

describe('heapFlagsNeeded', () => {
  it('sizes the heap of converting commands from --memory-mb, MEMORY_LIMIT_MB or the default', () => {
    expect(heapFlagsNeeded(['process', '--source', 'a'], [], {})).toEqual(heapFlags(memoryPlan(256 * MB)))
    expect(heapFlagsNeeded(['backfill'], [], { MEMORY_LIMIT_MB: '512' })).toEqual(heapFlags(memoryPlan(512 * MB)))
    expect(heapFlagsNeeded(['demo', '--memory-mb', '128'], [], { MEMORY_LIMIT_MB: '512' })).toEqual(heapFlags(memoryPlan(128 * MB)))
    expect(heapFlagsNeeded(['process', '--memory-mb=1024'], [], {})).toEqual(heapFlags(memoryPlan(1024 * MB)))
  })

  it('runs as it is for other commands, once relaunched, or when heap flags were given', () => {
    for (const command of ['query', 'compact', 'ddl', '--help']) expect(heapFlagsNeeded([command], [], {})).toBeUndefined()
    expect(heapFlagsNeeded(['process'], [], { [RELAUNCHED]: '1' })).toBeUndefined()
    expect(heapFlagsNeeded(['process'], ['--max-old-space-size=4096'], {})).toBeUndefined()
    expect(heapFlagsNeeded(['process'], [], { NODE_OPTIONS: '--enable-source-maps --max_semi_space_size=32' })).toBeUndefined()
  })

  it('leaves an unreadable bound to the command, which reports it', () => {
    expect(heapFlagsNeeded(['process', '--memory-mb', 'lots'], [], {})).toBeUndefined()
    expect(heapFlagsNeeded(['process'], [], { MEMORY_LIMIT_MB: '-1' })).toBeUndefined()
  })
})

describe('heapRelaunchFlags', () => {
  it('relaunches backfill and demo before they start; process decides once it knows where archives run', () => {
    expect(heapRelaunchFlags(['backfill'], [], {})).toEqual(heapFlags(memoryPlan(256 * MB)))
    expect(heapRelaunchFlags(['demo'], [], {})).toEqual(heapFlags(memoryPlan(256 * MB)))
    expect(heapRelaunchFlags(['process', '--source', 'a'], [], {})).toBeUndefined()
    expect(heapRelaunchFlags(['backfill'], [], { [RELAUNCHED]: '1' })).toBeUndefined()
  })
})
