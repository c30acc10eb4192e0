import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

/**
 * The pure tests (no dist/ build, no DuckDB, no child process, no test server): decoding, the schema,
 * normalization, routing, keys, configuration, payloads, windows. `npm run test:unit` runs only these.
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

/**
 * vitest's default is one worker fewer than the cores: ONE on a 2-core machine, so the files ran one
 * after another while a core idled. One per core: a third worker on two cores was slower in both of two
 * back-to-back pairs (test/cli, compact, query: 83 vs 95 s and 109 vs 117 s wall, same CPU), since what
 * the files wait on (CLI children, the OSS test server, DuckDB's threads) needs a core itself.
 */
const WORKERS = availableParallelism()

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: WORKERS,
    // Files share worker processes: an environment variable a test stubs is restored after it.
    unstubEnvs: true,
    projects: [
      // Worker threads start faster than processes, and nothing here needs a process of its own.
      { extends: true, test: { name: 'unit', include: UNIT_TESTS, pool: 'threads' } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: UNIT_TESTS,
          // The CLI tests execute dist/, so it is built first whenever a source is newer.
          globalSetup: ['test/support/global-setup.ts'],
          pool: 'forks',
          // A worker process runs many files: Node, vitest, DuckDB and ali-oss load once per worker, not per
          // file (a fifth of these files' CPU). Each file still gets fresh modules of this repository.
          isolate: false,
          setupFiles: ['test/support/fresh-modules.ts'],
        },
      },
    ],
    coverage: {
      provider: 'v8',
      // Every file of lib/, also those no test loads (they count as 0 %). The CLI tests run dist/ in
      // child processes, which this does not see: their lines count only when an in-process test runs them.
      include: ['lib/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
    },
  },
})
