import { describe, expect, it } from 'vitest'
import { heapRelaunchFlags, RELAUNCHED } from '../../lib/cli/heap.js'
import { heapFlags, memoryPlan } from '../../lib/memory-plan.js'

const MB = 1024 * 1024

describe('heapRelaunchFlags', () => {
  it('sizes the heap of converting commands from --memory-mb, MEMORY_LIMIT_MB or the default', () => {
    expect(heapRelaunchFlags(['process', '--source', 'a'], [], {})).toEqual(heapFlags(memoryPlan(256 * MB)))
    expect(heapRelaunchFlags(['backfill'], [], { MEMORY_LIMIT_MB: '512' })).toEqual(heapFlags(memoryPlan(512 * MB)))
    expect(heapRelaunchFlags(['demo', '--memory-mb', '128'], [], { MEMORY_LIMIT_MB: '512' })).toEqual(heapFlags(memoryPlan(128 * MB)))
    expect(heapRelaunchFlags(['process', '--memory-mb=1024'], [], {})).toEqual(heapFlags(memoryPlan(1024 * MB)))
  })

  it('runs as it is for other commands, once relaunched, or when heap flags were given', () => {
    for (const command of ['query', 'compact', 'ddl', '--help']) expect(heapRelaunchFlags([command], [], {})).toBeUndefined()
    expect(heapRelaunchFlags(['process'], [], { [RELAUNCHED]: '1' })).toBeUndefined()
    expect(heapRelaunchFlags(['process'], ['--max-old-space-size=4096'], {})).toBeUndefined()
    expect(heapRelaunchFlags(['process'], [], { NODE_OPTIONS: '--enable-source-maps --max_semi_space_size=32' })).toBeUndefined()
  })

  it('leaves an unreadable bound to the command, which reports it', () => {
    expect(heapRelaunchFlags(['process', '--memory-mb', 'lots'], [], {})).toBeUndefined()
    expect(heapRelaunchFlags(['process'], [], { MEMORY_LIMIT_MB: '-1' })).toBeUndefined()
  })
})
