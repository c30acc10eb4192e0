import { describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { runCli } from '../support/cli.js'
import { runMain } from '../support/cli-main.js'
import { tempDir } from '../support/temp.js'

describe('ccc-trail process and query', () => {
  it('processes a folder, reruns without duplicates, quarantines a broken archive and exits 0', async () => {
    const bucket = await tempDir('ccc-bucket')
    const lake = await tempDir('ccc-lake')
    const storage = new FsStorage(bucket)
    await putArchive(storage, [seedSampleEvent(), { ...seedSampleEvent(), eventId: 'B', eventName: 'ListUsers' }])
    const broken = await putArchive(storage, [], { eventCount: 5, body: Buffer.from('not gzip'), deliveredAt: new Date('2021-02-03T04:20:00Z') })
    await storage.put('AliyunLogs/Actiontrail-Insight/cn-shanghai/2021/02/03/x.gz', 'insight')

    const first = await runCli(['process', '--source', bucket, '--dest', lake])
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^written .* events 2 {2}rows 2/m)
    expect(first.stdout).toContain(`quarantined  ${broken}`)
    expect(first.stdout).toContain('reason not_gzip')
    expect(first.stdout).toContain('events 7 = rows 2 + non-CCC 0 + quarantined 5')
    expect(first.stdout).toMatch(/^skipped +AliyunLogs\/Actiontrail-Insight\/.*\(insight_archive\)/m)
    expect(first.stdout).toContain('skipped 1')

    const again = await runCli(['process', '--source', bucket, '--dest', lake])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('already done 2')

    const query = await runCli(['query', '--dest', lake, '--format', 'json', 'select event_name, count(*) as n from ccc_events group by 1 order by 1'])
    expect(query.code).toBe(0)
    expect(
      query.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { event_name: 'ListConfig', n: 1 },
      { event_name: 'ListUsers', n: 1 },
    ])
  })

  it('answers usage and configuration errors with exit 2 and the setting name', async () => {
    expect((await runMain(['process', '--dest', '/tmp/x'])).stderr).toContain('--source is required')
    const badZone = await runMain(['process', '--source', '/tmp', '--dest', '/tmp/x', '--time-zone', 'Nowhere/Land'])
    expect(badZone.code).toBe(2)
    expect(badZone.stderr).toContain('PARTITION_TIME_ZONE')
    expect((await runCli(['frobnicate'])).code).toBe(2)
    expect((await runMain(['process', '--bogus'])).code).toBe(2)
    const help = await runMain(['process', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--replay-quarantine')
  })

  it('fails a query with a clear message', async () => {
    const lake = await tempDir('ccc-lake')
    const run = await runMain(['query', '--dest', lake, 'select nope from ccc_events'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/nope/)
  })
})
