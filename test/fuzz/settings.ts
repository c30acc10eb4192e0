import type fc from 'fast-check'

/**
 * One seed and one time budget for the fuzz suite. `npm test` runs a short, fixed-seed campaign;
 * a long one is `FUZZ_RUNS=5000 FUZZ_MILLIS=600000 npx vitest run test/fuzz`, and `FUZZ_SEED=<seed>`
 * replays the seed a failure printed (fast-check prints the seed and the shrunk archive).
 */
const seed = Number(process.env.FUZZ_SEED ?? 16_2026)
const runs = process.env.FUZZ_RUNS === undefined ? undefined : Number(process.env.FUZZ_RUNS)
const millis = Number(process.env.FUZZ_MILLIS ?? 12_000)

export const FUZZ = {
  seed,
  /** Runs for one property: `defaultRuns` unless FUZZ_RUNS says otherwise, stopped after the time budget. */
  parameters<T>(defaultRuns: number): fc.Parameters<T> {
    return { seed, numRuns: runs ?? defaultRuns, interruptAfterTimeLimit: millis, markInterruptAsFailure: false, endOnFailure: false }
  },
  /** Counts the archives a property checked; a long campaign (FUZZ_RUNS set) prints the count. */
  counted<A extends unknown[]>(name: string, check: (...args: A) => Promise<void>): { check: (...args: A) => Promise<void>; report: () => void } {
    let checked = 0
    return {
      check: async (...args) => {
        checked++
        await check(...args)
      },
      report: () => {
        if (runs !== undefined) console.log(`fuzz ${name}: ${checked} archives checked, seed ${seed}`)
      },
    }
  },
  /** The test's own timeout: the budget plus room for shrinking a failure. */
  testTimeout: millis * 3 + 60_000,
}
