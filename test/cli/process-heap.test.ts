import { describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { heapFlags, memoryPlan } from '../../lib/memory-plan.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { runCli } from '../support/cli.js'
import { tempDir } from '../support/temp.js'

/** The `converting` debug line of `ccc-trail process --verbose`: where the archives run, and this thread's heap cap. */
function converting(stderr: string): { workers: number; heapLimitMB: number } {
  const line = stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { message?: string; workers?: number; heapLimitMB?: number })
    .find((l) => l.message === 'converting')
  expect(line, stderr).toBeDefined()
  return { workers: line!.workers!, heapLimitMB: line!.heapLimitMB! }
}

describe('ccc-trail process sizes the heap of the thread that converts', () => {
  const oldSpaceMB = memoryPlan(256 * 1024 * 1024).oldSpaceMB

  it('relaunches node with the planned heap when the archives stay in this thread', async () => {
    const bucket = await tempDir('heap-bucket')
    await putArchive(new FsStorage(bucket), [seedSampleEvent()])
    const run = await runCli(['process', '--source', bucket, '--dest', await tempDir('heap-lake'), '--verbose'])
    expect(run.code, run.stderr).toBe(0)
    const seen = converting(run.stderr)
    expect(seen.workers).toBe(1)
    expect(heapFlags(memoryPlan(256 * 1024 * 1024))).toContain(`--max-old-space-size=${oldSpaceMB}`)
    // heap_size_limit is the old space plus the young generation's share.
    expect(seen.heapLimitMB).toBeGreaterThanOrEqual(oldSpaceMB)
    expect(seen.heapLimitMB).toBeLessThan(oldSpaceMB + 64)
  })

  it('starts no second node when worker threads convert (the pool sizes their heaps)', async () => {
    const bucket = await tempDir('heap-bucket')
    await putArchive(new FsStorage(bucket), [seedSampleEvent()])
    const run = await runCli(['process', '--source', bucket, '--dest', await tempDir('heap-lake'), '--workers', '2', '--verbose'])
    expect(run.code, run.stderr).toBe(0)
    const seen = converting(run.stderr)
    expect(seen.workers).toBe(2)
    expect(seen.heapLimitMB, 'node default, not the planned cap').toBeGreaterThan(oldSpaceMB + 64)
    expect(run.stdout).toContain('events 1 = rows 1 + non-CCC 0 + quarantined 0')
  })
})
