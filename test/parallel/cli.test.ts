import { beforeAll, describe, expect, it } from 'vitest'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { ensureBuilt } from '../support/built.js'
import { runCli } from '../support/cli.js'
import { runMain } from '../support/cli-main.js'
import { queryTable } from '../support/duck.js'
import { tempDir } from '../support/temp.js'

beforeAll(() => ensureBuilt('dist/lib/cli/commands/process.js'), 120_000)

describe('ccc-trail process --workers', () => {
  it('gives the same per-archive lines, summary and table on worker threads as in-process', async () => {
    const bucket = await tempDir('ccc-cli-bucket')
    const corpus = await generateCorpus(new FsStorage(bucket), { seed: 3, days: 1, archivesPerDay: 6, eventsPerArchive: 40, brokenArchives: 1 })
    const [threads, inline] = [await tempDir('ccc-cli-threads'), await tempDir('ccc-cli-inline')]
    const onThreads = await runCli(['process', '--source', bucket, '--dest', threads, '--workers', '2'])
    const inProcess = await runCli(['process', '--source', bucket, '--dest', inline, '--workers', '1'])
    expect(onThreads.code).toBe(0)
    const lines = (out: string) =>
      out
        .split('\n')
        .filter((l) => !l.startsWith('read '))
        .sort()
    expect(lines(onThreads.stdout)).toEqual(lines(inProcess.stdout))
    expect(onThreads.stdout).toContain(
      `events ${corpus.events} = rows ${corpus.cccEvents} + non-CCC ${corpus.nonCccEvents} + quarantined ${corpus.brokenEvents}`,
    )
    const sql = 'SELECT event_name, count(*) AS n FROM ccc_events GROUP BY ALL ORDER BY ALL'
    expect(await queryTable(threads, sql)).toEqual(await queryTable(inline, sql))
  }, 60_000)

  it('rejects a worker count that is not a positive whole number', async () => {
    const run = await runMain(['process', '--source', '/tmp', '--dest', '/tmp/x', '--workers', '0'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--workers')
  })
})
