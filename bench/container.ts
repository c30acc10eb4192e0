import { spawn } from 'node:child_process'
import path from 'node:path'

/** What bench/trigger-container.ts prints as its last line. */
export interface ContainerResult {
  seconds: number[]
  statuses: string[]
  peakRssMB: number
  cpuSeconds: number
}

/**
 * One FC container stand-in (bench/trigger-container.ts): a fresh process that loads `handler` with
 * `credentials` in its context and handles `payloads` in turn. `label` names it in an error.
 */
export function runContainer(
  handler: string,
  payloads: string[],
  credentials: Record<string, string>,
  env: NodeJS.ProcessEnv,
  label: string,
): Promise<ContainerResult> {
  const script = path.join(import.meta.dirname, 'trigger-container.js')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, handler, JSON.stringify(payloads), JSON.stringify(credentials)], {
      env: { ...process.env, ...env, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let errors = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text))
    child.stderr.setEncoding('utf8').on('data', (text: string) => (errors += text))
    child.on('error', reject)
    child.on('close', (code) => {
      const last = out.trimEnd().split('\n').at(-1) ?? ''
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as ContainerResult)
      else reject(new Error(`the ${label} container exited with ${code}: ${errors.trim() || out.trim()}`))
    })
  })
}
