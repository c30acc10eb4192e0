export type StopSignal = 'SIGINT' | 'SIGTERM'

export interface StopSwitch {
  requested(): boolean
  /** The first signal received, if any. */
  readonly signal: StopSignal | undefined
  dispose(): void
}

/** Exit status of a run stopped by a signal: 128 + the signal number, as shells report it. */
export const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 }

/**
 * The first SIGINT or SIGTERM asks the run to stop starting work (in-flight work finishes); a
 * second one exits at once. Either way no output is half-committed: an archive without its
 * manifest is simply redone by the next run.
 */
export function stopOnSignals(onFirst: (signal: StopSignal) => void, exit: (code: number) => void = (code) => process.exit(code)): StopSwitch {
  let signal: StopSignal | undefined
  const handler = (received: StopSignal) => {
    if (signal) return exit(SIGNAL_EXIT[received])
    signal = received
    onFirst(received)
  }
  const onInt = () => handler('SIGINT')
  const onTerm = () => handler('SIGTERM')
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  return {
    requested: () => signal !== undefined,
    get signal() {
      return signal
    },
    dispose() {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
    },
  }
}
