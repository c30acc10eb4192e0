import { describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { runCli } from '../support/cli.js'
import { runMain } from '../support/cli-main.js'
import { tempDir } from '../support/temp.js'

/** A 2025-style console event with fields no column maps and values no column can hold exactly. */
const consoleEvent = {
  eventId: 'console-1',
  eventName: 'ModifyUser',
  eventRW: 'Write',
  eventSource: 'ccc.cn-shanghai.aliyuncs.com',
  eventTime: '2021-02-03T04:11:09.250Z',
  eventType: 'ConsoleOperation',
  eventVersion: 'v2',
  recipientAccountId: '1663000000000001',
  serviceName: 'CloudCallCenter',
  isGlobal: 'maybe',
  referencedResources: { 'ACS::CCC::User': ['u-2', 'u-1'], 'ACS::CCC::Instance': ['ccc-1'] },
  requestParameters: { InstanceId: 'ccc-1', PageSize: 100, Force: false, Tags: [], Note: '引号 "quoted" \\ back' },
  userIdentity: {
    accountId: '1663000000000001',
    type: 'ram-user',
    userName: 'ops',
    sessionContext: { attributes: { mfaAuthenticated: 'true', creationDate: '2021-02-03T04:00:00Z' }, sessionIssuer: { type: 'role', userName: 'Admin' } },
  },
  vpcId: 'vpc-1',
  sharedEventId: 'se-1',
  emptyList: [],
  nothing: null,
}

type Json = Record<string, unknown>

function withMfa(event: Json, mfa: boolean): Json {
  const copy = structuredClone(event)
  const attributes = ((copy.userIdentity as Json).sessionContext as Json).attributes as Json
  attributes.mfaAuthenticated = mfa
  return copy
}

describe('ccc-trail query --raw', () => {
  it('prints the selected rows as the original events, one JSON a line', async () => {
    const bucket = await tempDir('ccc-bucket')
    const lake = await tempDir('ccc-lake')
    const sample = seedSampleEvent()
    await putArchive(new FsStorage(bucket), [sample, consoleEvent])
    expect((await runCli(['process', '--source', bucket, '--dest', lake])).code).toBe(0)

    const run = await runCli(['query', '--dest', lake, '--raw', 'select * from ccc_events order by event_time'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    // The only documented coercion these events meet: mfaAuthenticated "false"/"true" reads back as a boolean.
    expect(events).toEqual([withMfa(sample, false), withMfa(consoleEvent, true)])
  })

  it('refuses partial rows, naming the columns it needs, and --format beside it', async () => {
    const lake = await tempDir('ccc-lake')
    const bucket = await tempDir('ccc-bucket')
    await putArchive(new FsStorage(bucket), [seedSampleEvent()])
    await runCli(['process', '--source', bucket, '--dest', lake])
    const partial = await runCli(['query', '--dest', lake, '--raw', 'select event_id, event_time from ccc_events'])
    expect(partial.code).toBe(2)
    expect(partial.stderr).toMatch(/select \* from ccc_events.*lacks .*unmapped.*event_name/)
    expect((await runMain(['query', '--dest', lake, '--raw', '--format', 'csv', 'select * from ccc_events'])).code).toBe(2)
  })
})
