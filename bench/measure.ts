import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { VariantInput } from './variants/types.js'

export interface Measurement {
  name: string
  /** From spawning the child to its exit: start-up, module loading and worker start-up included. */
  wallSeconds: number
  cpuSeconds: number
  peakRssMB: number
  /** Bytes of Parquet data files written. */
  outputBytes: number
  cccEvents?: number
  phases?: Record<string, number>
  /** Where the kept run wrote its table. */
  dest: string
}

/**
 * Runs one variant in a fresh child process; `repeat` runs, the fastest kept. Each run writes into a
 * new folder `<dest>/run-<n>` and nothing is deleted between runs (bench/run.ts clears the outputs of
 * the previous bench once, before it generates or warms the corpus): on ext4, creating files right
 * after deleting many costs several times more kernel time (the inode allocator skips recently
 * freed inodes), which would charge the variant that writes the most files for the bench's own cleanup.
 */
export async function measure(
  name: string,
  input: VariantInput,
  options: { repeat: number; env?: NodeJS.ProcessEnv; nodeFlags?: string[] },
): Promise<Measurement> {
  let best: Measurement | undefined
  for (let run = 0; run < options.repeat; run++) {
    const dest = path.join(input.dest, `run-${run + 1}`)
    await rm(dest, { recursive: true, force: true }) // only if a caller reuses `dest`: the bench clears its outputs once, at start
    await mkdir(input.dest, { recursive: true })
    const started = performance.now()
    const last = await runChild(name, { ...input, dest }, options.env, options.nodeFlags)
    const wallSeconds = (performance.now() - started) / 1000
    const result = JSON.parse(last) as { peakRssMB: number; cpuSeconds: number; cccEvents?: number; phases?: Record<string, number> }
    const measurement = {
      name,
      wallSeconds,
      cpuSeconds: result.cpuSeconds,
      peakRssMB: result.peakRssMB,
      outputBytes: parquetBytes(dest),
      cccEvents: result.cccEvents,
      phases: result.phases,
      dest,
    }
    if (!best || measurement.wallSeconds < best.wallSeconds) best = measurement
  }
  return best!
}

function runChild(name: string, input: VariantInput, env?: NodeJS.ProcessEnv, nodeFlags: string[] = []): Promise<string> {
  const script = path.join(import.meta.dirname, 'child.js')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, script, name, JSON.stringify(input)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let tail = ''
    let errors = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => (tail = (tail + text).slice(-4096)))
    child.stderr.setEncoding('utf8').on('data', (text: string) => (errors = (errors + text).slice(-4096)))
    child.on('error', reject)
    child.on('close', (code) => {
      const last = tail.trimEnd().split('\n').at(-1) ?? ''
      if (code === 0 && last.startsWith('{')) resolve(last)
      else reject(new Error(`benchmark variant ${name} exited with ${code}: ${errors.trim() || tail.trim()}`))
    })
  })
}

export function parquetBytes(root: string): number {
  let total = 0
  let names: string[]
  try {
    names = readdirSync(root, { recursive: true }) as string[]
  } catch {
    return 0
  }
  for (const name of names)
    if (name.endsWith('.parquet') && !name.split(path.sep).some((part) => part.startsWith('_'))) total += statSync(path.join(root, name)).size
  return total
}
