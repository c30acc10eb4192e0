import { beforeAll, describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { processArchives } from '../../lib/run-archives.js'
import { runCli } from '../support/cli.js'
import { runMain } from '../support/cli-main.js'
import { testPipeline } from '../support/pipeline.js'

/** `ccc-trail query`: exit codes for wrong SQL, and JSON output with numbers where they are exact. */

/** The table the three tests query, built once and in-process: what runs as a child process here is `query`. */
let lake: string
beforeAll(async () => {
  const pipeline = await testPipeline()
  expect((await processArchives(pipeline, [await putArchive(pipeline.source, [seedSampleEvent()])])).written).toBe(1)
  lake = pipeline.destRoot
})

describe('ccc-trail query', () => {
  it("exits 2 with DuckDB's own message when the SQL is wrong (unknown column, syntax, unknown table, bad cast)", async () => {
    const cases: [string, RegExp][] = [
      ['select nope from ccc_events', /^ccc-trail query: Binder Error: Referenced column "nope" not found/m],
      ['selec count(*) from ccc_events', /^ccc-trail query: Parser Error: syntax error at or near "selec"/m],
      ['select * from ccc_event', /^ccc-trail query: Catalog Error: Table with name ccc_event does not exist/m],
      ['select cast(event_name as integer) from ccc_events', /^ccc-trail query: Conversion Error: Could not convert string/m],
    ]
    for (const [sql, message] of cases) {
      const run = await runMain(['query', '--dest', lake, sql])
      expect(run.code, sql).toBe(2)
      expect(run.stderr, sql).toMatch(message)
      expect(run.stdout, sql).toBe('')
    }
  })

  it('exits 1, not 2, when the table cannot be read', async () => {
    const run = await runCli(['query', '--dest', lake, "select count(*) from read_parquet('" + lake + "/no-such-folder/*.parquet')"])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/IO Error: No files found/)
  })

  it('prints exact numbers as JSON numbers and a BIGINT beyond 2^53 as a string', async () => {
    const sql = `select count(*) as n, 9007199254740991::bigint as largest_exact, 9007199254740993::bigint as beyond,
                 round(100.0 * count(*) / 3, 1) as pct, 0.25::double as ratio, event_name, null::bigint as none
                 from ccc_events group by event_name`
    const run = await runCli(['query', '--dest', lake, '--format', 'json', sql])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      n: 1,
      largest_exact: 9007199254740991,
      beyond: '9007199254740993',
      pct: 33.3,
      ratio: 0.25,
      event_name: 'ListConfig',
      none: null,
    })
    const csv = await runCli(['query', '--dest', lake, '--format', 'csv', 'select count(*) as n from ccc_events'])
    expect(csv.stdout.trim()).toBe('n\n1')
  })
})
