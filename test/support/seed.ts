/**
 * The seed of the seeded (property and crash) tests: fixed, so a run is repeatable; `TEST_SEED=<n>`
 * explores another one. Tests print it in their failure messages, so a failure can be replayed.
 */
export const TEST_SEED: number = seedFromEnvironment(process.env.TEST_SEED)

function seedFromEnvironment(text: string | undefined): number {
  if (text === undefined || text === '') return 20260117
  const seed = Number(text)
  if (!Number.isSafeInteger(seed)) throw new Error(`TEST_SEED must be an integer, got ${JSON.stringify(text)}`)
  return seed
}
