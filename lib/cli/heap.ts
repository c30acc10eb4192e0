import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import { heapFlags, memoryPlan } from '../memory-plan.js'

/** Commands that convert archives, and so need the heap sized for MEMORY_LIMIT_MB. */
const CONVERTING = new Set(['process', 'backfill', 'demo'])
/**
 * Converting commands relaunched before they start. `process` is not: most runs convert in worker
 * threads, whose heaps the pool sizes, so it relaunches only once it knows the archives stay in this
 * thread (CommandInput.relaunchWithHeap); the second node start costs ~0.13 s.
 */
const RELAUNCH_AT_START = new Set(['backfill', 'demo'])
/** Set in the relaunched process, so that it does not relaunch again. */
export const RELAUNCHED = 'CCC_TRAIL_HEAP_SET'

/** The node flags to relaunch the CLI with before the command starts (see heapFlagsNeeded), or undefined. */
export function heapRelaunchFlags(argv: readonly string[], execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] | undefined {
  return RELAUNCH_AT_START.has(argv[0] ?? '') ? heapFlagsNeeded(argv, execArgv, env) : undefined
}

/**
 * The node flags a converting command needs to convert in this process, or undefined when it should
 * run as it is: another command, heap flags already given (in node's arguments or NODE_OPTIONS), or
 * an unreadable `--memory-mb` / MEMORY_LIMIT_MB (the command then reports it). V8 sizes its heap
 * when the process starts, so the cap for the memory bound can only be set by starting node with it.
 */
export function heapFlagsNeeded(argv: readonly string[], execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] | undefined {
  if (!CONVERTING.has(argv[0] ?? '') || env[RELAUNCHED]) return undefined
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)]
  if (given.some((flag) => /^--max[-_](old|semi)[-_]space[-_]size/.test(flag))) return undefined
  const megabytes = memoryMegabytes(argv, env)
  if (megabytes === undefined) return undefined
  return heapFlags(memoryPlan(megabytes * 1024 * 1024))
}

function memoryMegabytes(argv: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  let text = env.MEMORY_LIMIT_MB
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--') break
    if (argv[i] === '--memory-mb') text = argv[i + 1]
    else if (argv[i]!.startsWith('--memory-mb=')) text = argv[i]!.slice('--memory-mb='.length)
  }
  if (text === undefined || text.trim() === '') return 256
  const value = Number(text)
  return Number.isInteger(value) && value > 0 ? value : undefined
}

/**
 * Runs `script argv` in a new node process with `flags` and the same terminal; resolves with its
 * exit status. SIGTERM and SIGHUP are passed on; a terminal's Ctrl-C reaches both processes, so the
 * parent only waits.
 */
export function relaunch(flags: string[], script: string, argv: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, script, ...argv], { stdio: 'inherit', env: { ...process.env, [RELAUNCHED]: '1' } })
    const forward = (signal: NodeJS.Signals) => () => void child.kill(signal)
    const handlers: [NodeJS.Signals, () => void][] = [
      ['SIGTERM', forward('SIGTERM')],
      ['SIGHUP', forward('SIGHUP')],
      ['SIGINT', () => undefined],
    ]
    for (const [signal, handler] of handlers) process.on(signal, handler)
    const done = () => {
      for (const [signal, handler] of handlers) process.off(signal, handler)
    }
    child.once('error', (error) => {
      done()
      reject(error)
    })
    child.once('exit', (code, signal) => {
      done()
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0))
    })
  })
}
