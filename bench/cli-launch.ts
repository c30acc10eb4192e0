import { heapFlagsNeeded } from '../lib/cli/heap.js'
import { planRun } from '../lib/parallel/auto.js'
import { listArchiveTree } from '../lib/source/list-archives.js'
import { FsStorage } from '../lib/storage/fs.js'

/**
 * How `ccc-trail process --source <root>` runs its conversion, for the bench's ccc-trail step to run the
 * same: on worker threads (the pool sizes their heaps), or in-process, where bin/ccc-trail.js relaunches
 * node with the heap MEMORY_LIMIT_MB plans (lib/cli/heap.ts); those flags are then the child's own.
 */
export async function processLaunch(root: string, env: NodeJS.ProcessEnv = process.env): Promise<{ workers: number; nodeFlags: string[] }> {
  const plan = await planRun(archiveKeys(root))
  const nodeFlags = plan.workers <= 1 ? (heapFlagsNeeded(['process'], [], env) ?? []) : []
  return { workers: plan.workers, nodeFlags }
}

async function* archiveKeys(root: string): AsyncGenerator<string> {
  for await (const listed of listArchiveTree(new FsStorage(root), '')) yield listed.key
}
