import type { Logger } from '../log.js'

export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  multiple?: boolean
  description: string
  placeholder?: string
}

export interface Command {
  name: string
  summary: string
  /** Positional arguments, as shown in usage, e.g. `[key ...]`. */
  args?: string
  options: Record<string, OptionSpec>
  run(input: CommandInput): Promise<number>
}

export interface CommandInput {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
  out: (line: string) => void
  err: (line: string) => void
  log: Logger
  /** True when stdout is a terminal (progress bars, colours). */
  tty: boolean
  env: NodeJS.ProcessEnv
  /**
   * Runs this command again in a node whose heap is sized for MEMORY_LIMIT_MB and resolves with its
   * exit status; absent when this process already is (or was not started by bin/ccc-trail.js).
   */
  relaunchWithHeap?: () => Promise<number>
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const
