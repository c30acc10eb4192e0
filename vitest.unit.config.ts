import { defineConfig } from 'vitest/config'

/**
 * `npm run test:unit`: the pure tests (no dist/ build, no DuckDB, no child process, no test server):
 * decoding, the schema, normalization, routing, keys, configuration, payloads, windows. Seconds, not
 * minutes; `npm test` runs them too.
 */
export const UNIT_TESTS = [
  'test/alerts/evaluate.test.ts',
  'test/alerts/rules.test.ts',
  'test/backfill/payload.test.ts',
  'test/backfill/progress.test.ts',
  'test/backfill/window.test.ts',
  'test/catalog/api-category.test.ts',
  'test/cli/heap.test.ts',
  'test/config.test.ts',
  'test/credentials.test.ts',
  'test/decode/**/*.test.ts',
  'test/deploy/events.test.ts',
  'test/deploy/heap-options.test.ts',
  'test/fc/container.test.ts',
  'test/fc/event-body.test.ts',
  'test/fc/object-key.test.ts',
  'test/fc/object-route.test.ts',
  'test/fc/oss-event.test.ts',
  'test/handlers/dead-letter.test.ts',
  'test/layout.test.ts',
  'test/lib-reached.test.ts',
  'test/ledger/archive-ledger.test.ts',
  'test/ledger/visibility.test.ts',
  'test/log.test.ts',
  'test/memory-plan.test.ts',
  'test/normalize/prefilter.test.ts',
  'test/normalize/to-row.test.ts',
  'test/normalize/unmapped.test.ts',
  'test/query/format.test.ts',
  'test/query/json-numbers.test.ts',
  'test/report/window.test.ts',
  'test/schema/**/*.test.ts',
  'test/source/archive-key.test.ts',
  'test/storage/drivers.test.ts',
  'test/util/**/*.test.ts',
  'test/write/router.test.ts',
]

export default defineConfig({
  test: {
    include: UNIT_TESTS,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Threads start faster than processes, and nothing here needs a process of its own.
    pool: 'threads',
    coverage: { provider: 'v8', include: ['lib/**/*.ts'], reporter: ['text-summary', 'json-summary'] },
  },
})
