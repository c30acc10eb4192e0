import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { concurrencyFor } from '../../lib/fc/backfill-deps.js'
import { heapFlags, memoryPlan } from '../../lib/memory-plan.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const description = parse(readFileSync(path.join(root, 's.yaml'), 'utf8')) as {
  resources: Record<string, { props: { functionName: string; memorySize: number; environmentVariables: Record<string, string> } }>
}
const MB = 1024 * 1024

describe('s.yaml heap settings', () => {
  it('gives each converting function the V8 heap of the memory plan for the archives it holds at once', () => {
    for (const name of ['ccc-trail-oss-trigger', 'ccc-trail-backfill']) {
      const props = Object.values(description.resources).find((r) => r.props.functionName === name)!.props
      const env = props.environmentVariables
      const limit = Number(env.MEMORY_LIMIT_MB) * MB
      // The trigger handles one archive per invocation; backfill runs as many as its memory holds.
      const archives = name === 'ccc-trail-backfill' ? concurrencyFor(props.memorySize, limit) : 1
      expect(env.NODE_OPTIONS, name).toBe(heapFlags(memoryPlan(limit, archives)).join(' '))
    }
  })
})
