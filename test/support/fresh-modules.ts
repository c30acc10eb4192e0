import { vi } from 'vitest'

/**
 * Test files share workers (`isolate: false` in vitest.config.ts) so that Node, vitest and the heavy
 * packages (DuckDB, ali-oss) start once per worker, not once per file. Each file
 * still gets its own copy of every module of this repository, as in a fresh process: module state
 * (test/support's shared DuckDB, temp folders, servers) and the afterAll hooks modules register belong
 * to one file. Packages under node_modules stay loaded.
 */
vi.resetModules()
