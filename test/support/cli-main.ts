import { vi } from 'vitest'
import { main } from '../../lib/cli/main.js'
import type { CliRun } from './cli.js'

/**
 * The CLI's `main()` in this process, its output captured: for usage errors and help, where a child
 * process (`runCli`) adds only its start-up, half a second of CPU. Each command keeps real runs through
 * `runCli`, which also covers bin/ccc-trail.js.
 */
export async function runMain(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const captured = { stdout: '', stderr: '' }
  const capture = (stream: 'stdout' | 'stderr') =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      captured[stream] += String(chunk)
      return true
    })
  const spies = [capture('stdout'), capture('stderr')]
  try {
    const code = await main(args, { ...process.env, ...env })
    return { code, ...captured }
  } finally {
    for (const spy of spies) spy.mockRestore()
  }
}
