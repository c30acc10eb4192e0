import { readdir } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { withDuckDb } from '../../lib/query/duckdb.js'
import { tempDir } from '../support/temp.js'

describe('withDuckDb with a memory limit', () => {
  it('keeps a temporary table larger than the limit by spilling it to the given folder', async () => {
    const spill = await tempDir('ccc-duckdb-spill')
    const seen = await withDuckDb(
      async (db) => {
        const [setting] = await db.rows("SELECT current_setting('temp_directory') AS folder, current_setting('memory_limit') AS memory")
        // ~100 MB of text against a 48 MB limit: held only by writing part of it out.
        await db.run("CREATE TEMP TABLE big AS SELECT range AS i, repeat('x', 200) || range AS s FROM range(500000)")
        const spilled = (await readdir(spill)).length
        const [count] = await db.rows('SELECT count(*) AS n, max(i) AS last FROM big')
        return { setting, spilled, count }
      },
      { memoryLimitMb: 48, spillDirectory: spill },
    )
    expect(seen.setting).toMatchObject({ folder: spill, memory: expect.stringMatching(/^4\d\.\d MiB$/) })
    expect(seen.spilled).toBeGreaterThan(0)
    expect(seen.count).toEqual({ n: '500000', last: '499999' })
  })
})
