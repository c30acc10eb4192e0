import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      // Every file of lib/, also those no test loads (they count as 0 %). The CLI tests run dist/ in
      // child processes, which this does not see: their lines count only when an in-process test runs them.
      include: ['lib/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
    },
  },
})
