import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { processArchives } from '../../lib/run-archives.js'
import { runCli } from '../support/cli.js'
import { LAKE_CREDENTIALS, lakeStorage, startLakeServer } from '../support/oss-lake.js'
import type { OssServer } from '../support/oss-server.js'
import { testPipeline } from '../support/pipeline.js'
import { tempDir } from '../support/temp.js'

/**
 * `ccc-trail query` on OSS: --from/--to/--event-name bound what is fetched and win over the SQL; an
 * unbounded statement says which flags would bound it; bad input exits 2 and fetches nothing.
 */

let server: OssServer
let env: NodeJS.ProcessEnv
let cache: string

function event(day: string, eventName: string, id: string) {
  return { ...seedSampleEvent(), eventName, eventId: id, eventTime: `${day}T03:00:00Z` }
}

beforeAll(async () => {
  server = await startLakeServer()
  const dest = lakeStorage(server, { timeoutMs: 10_000 })
  const pipeline = await testPipeline({ dest, destPrefix: 't/' })
  const events = [
    event('2021-02-27', 'ListConfig', 'A'),
    event('2021-02-28', 'ListConfig', 'B'),
    event('2021-03-01', 'ListUsers', 'C'),
    event('2021-03-01', 'ListConfig', 'D'),
  ]
  expect((await processArchives(pipeline, [await putArchive(pipeline.source, events)])).written).toBe(1)
  env = {
    DEST: 'oss://lake/t/',
    OSS_ENDPOINT: server.endpoint,
    ALIBABA_CLOUD_ACCESS_KEY_ID: LAKE_CREDENTIALS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: LAKE_CREDENTIALS.accessKeySecret,
  }
  cache = await tempDir('ccc-bounds-cache')
})
afterAll(() => server.close())

async function query(...args: string[]) {
  const start = server.requests.length
  const run = await runCli(['query', '--cache', cache, '--format', 'csv', ...args], { env })
  return { ...run, requests: server.requests.slice(start) }
}

describe('ccc-trail query --from/--to/--event-name on OSS', () => {
  it('the flags win over the SQL and bound what is fetched', async () => {
    const run = await query('--from', '2021-02-28', '--to', '2021-03-01', '--event-name', 'ListConfig', 'select event_id from ccc_events order by 1')
    expect(run.stderr).toBe('')
    expect(run.stdout.trim()).toBe('event_id\nB\nD')
    const fetched = run.requests.filter((r) => r.op === 'GetObject').map((r) => r.key)
    expect(fetched.filter((key) => key.includes('dt=')).sort()).toEqual([
      expect.stringMatching(/^t\/dt=2021-02-28\/event_name=ListConfig\//),
      expect.stringMatching(/^t\/dt=2021-03-01\/event_name=ListConfig\//),
    ])
  })

  it('a statement that bounds nothing is mirrored whole, with a note naming the flags', async () => {
    const run = await query("select count(*) as n from ccc_events where user_name <> 'nobody'")
    expect(run.code).toBe(0)
    expect(run.stdout.trim()).toBe('n\n4')
    expect(run.stderr).toMatch(/^ccc-trail query: the SQL does not bound dt, so every partition of the table is mirrored; --from D --to D or --event-name N/)
  })

  it('bad input exits 2 with a clear message and fetches nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--from', '2021-2-28', 'select 1'], /--from must be a date YYYY-MM-DD, got "2021-2-28"/],
      [['--from', '2021-03-02', '--to', '2021-03-01', 'select 1'], /--from 2021-03-02 is after --to 2021-03-01/],
      [['--to', '2021-02-30', 'select 1'], /--to must be a date YYYY-MM-DD, got "2021-02-30"/],
      [['--cache-max-mb', 'lots', 'select 1'], /--cache-max-mb must be a number of megabytes/],
      [['selec count(*) from ccc_events'], /^ccc-trail query: Parser Error: syntax error at or near "selec"/m],
      [['--from', '2030-01-01', '--to', '2030-01-31', 'select count(*) from ccc_events'], /oss:\/\/lake\/t\/ has no day \(dt\) from 2030-01-01 to 2030-01-31/],
    ]
    for (const [args, message] of cases) {
      const run = await query(...args)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr, args.join(' ')).toMatch(message)
      expect(run.stdout, args.join(' ')).toBe('')
      expect(
        run.requests.filter((r) => r.op === 'GetObject'),
        `${args.join(' ')}: nothing fetched`,
      ).toEqual([])
    }
  })
})
