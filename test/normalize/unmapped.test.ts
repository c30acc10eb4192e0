import { describe, expect, it } from 'vitest'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { eventToRow } from '../../lib/normalize/to-row.js'
import { COLUMN_NAMES } from '../../lib/schema/columns.js'

type Event = Record<string, unknown>

const rowOf = (event: Event) => {
  const verdict = eventToRow(event, 'k.gz')
  if (verdict.kind !== 'row') throw new Error(`expected a row, got ${verdict.kind}`)
  return Object.fromEntries(COLUMN_NAMES.map((name, i) => [name, verdict.row[i]]))
}
const unmapped = (event: Event) => {
  const text = rowOf(event).unmapped
  return text === null ? null : JSON.parse(text as string)
}

/** The shape of a 2025 console event (values invented), as in the issue. */
const consoleEvent2025 = (): Event => ({
  eventId: 'e-1',
  eventName: 'ModifyUser',
  eventRW: 'Write',
  eventSource: 'ccc.cn-shanghai.aliyuncs.com',
  eventTime: '2025-07-07T01:39:09Z',
  eventType: 'ConsoleOperation',
  eventVersion: '1',
  recipientAccountId: '1663000000000001',
  serviceName: 'CloudCallCenter',
  referencedResources: { 'ACS::CCC::User': ['u-2', 'u-1'], 'ACS::CCC::Instance': ['ccc-1'] },
  requestParameters: { InstanceId: 'ccc-1', PageSize: 100, Force: false, Tags: [], 'X-Acs-Client-Tls-Version': 'TLSv1.3' },
  responseElements: { RequestId: 'r-1', Data: { TotalCount: 12 } },
  userIdentity: {
    accountId: '1663000000000001',
    principalId: '2001',
    type: 'ram-user',
    userName: 'ops',
    sessionContext: { attributes: { mfaAuthenticated: 'true', creationDate: '2025-07-07T01:39:09Z' }, sessionIssuer: { type: 'role', userName: 'Admin' } },
  },
  vpcId: 'vpc-1',
  sharedEventId: 'se-1',
  tlsVersion: 'TLSv1.3',
})

describe('the four columns added after the first release', () => {
  it('hold eventRW, recipientAccountId as exact text and referencedResources as canonical JSON', () => {
    const row = rowOf({ ...consoleEvent2025(), recipientAccountId: 1663000000000001 })
    expect(row).toMatchObject({
      event_rw: 'Write',
      recipient_account_id: '1663000000000001',
      referenced_resources: '{"ACS::CCC::Instance":["ccc-1"],"ACS::CCC::User":["u-2","u-1"]}',
    })
    expect(COLUMN_NAMES.slice(COLUMN_NAMES.indexOf('source_object'))).toEqual([
      'source_object',
      'event_rw',
      'recipient_account_id',
      'referenced_resources',
      'unmapped',
    ])
  })
})

describe('unmapped', () => {
  it('is NULL when every field has a column (the seed sample)', () => {
    expect(rowOf(seedSampleEvent()).unmapped).toBeNull()
  })

  it('keeps the fields no column maps, at their path, and nothing a column holds', () => {
    expect(unmapped(consoleEvent2025())).toEqual({
      vpcId: 'vpc-1',
      sharedEventId: 'se-1',
      tlsVersion: 'TLSv1.3',
      userIdentity: { sessionContext: { attributes: { creationDate: '2025-07-07T01:39:09Z' }, sessionIssuer: { type: 'role', userName: 'Admin' } } },
    })
  })

  it('is canonical JSON: keys sorted at every level', () => {
    expect(rowOf({ ...seedSampleEvent(), zeta: { b: 1, a: 2 }, alpha: true }).unmapped).toBe('{"alpha":true,"zeta":{"a":2,"b":1}}')
  })

  it.each([
    ['eventVersion', 'v2'],
    ['eventVersion', 1.5],
    ['eventVersion', '01'],
    ['eventVersion', null],
    ['isGlobal', 'maybe'],
    ['isGlobal', 'TRUE'],
    ['isGlobal', 0],
    ['eventTime', '2021-02-03T04:10:08.123456Z'],
    ['eventTime', '2021-02-03T12:10:08+08:00'],
    ['eventTime', '2021-02-03T04:10:08.000Z'],
    ['eventTime', 1612325408],
    ['errorMessage', ''],
    ['eventId', 42],
    ['requestParameters', null],
    ['recipientAccountId', 1.5],
    ['userAgent', 'lone \ud800'],
  ])('keeps %s %j, which its column cannot hold exactly', (name, value) => {
    expect(unmapped({ ...seedSampleEvent(), [name]: value })).toEqual({ [name]: value })
  })

  it.each([
    ['a float', 1.5],
    ['a number beyond 2^53', 1e21],
  ])('keeps an accountId that is %s', (_, accountId) => {
    const event = seedSampleEvent()
    ;(event.userIdentity as Event).accountId = accountId
    expect(unmapped(event)).toEqual({ userIdentity: { accountId } })
  })

  it('takes the documented coercions as held: "1", "true"/"false", whole-number ids, errorCode ""', () => {
    const event: Event = { ...seedSampleEvent(), eventVersion: '1', isGlobal: 'false', errorCode: '', recipientAccountId: 1059804828509 }
    ;(event.userIdentity as Event).accountId = 1059804828509
    expect(rowOf(event).unmapped).toBeNull()
  })

  it.each([['a/b'], ['x=1'], [''], ['NULL'], [42], ['__HIVE_DEFAULT_PARTITION__'], ['查询'], ['..']])(
    'keeps eventName %j, which the partition folder cannot give back as is',
    (eventName) => {
      expect(unmapped({ ...seedSampleEvent(), eventName })).toEqual({ eventName })
    },
  )

  it('prunes objects emptied by the columns but keeps objects that arrived empty', () => {
    expect(
      rowOf({
        serviceName: 'CloudCallCenter',
        eventTime: '2021-02-03T04:10:08Z',
        userIdentity: { type: 'x', sessionContext: { attributes: { mfaAuthenticated: 'true' } } },
      }).unmapped,
    ).toBeNull()
    expect(unmapped({ serviceName: 'CloudCallCenter', eventTime: '2021-02-03T04:10:08Z', userIdentity: {} })).toEqual({ userIdentity: {} })
    expect(
      unmapped({ serviceName: 'CloudCallCenter', eventTime: '2021-02-03T04:10:08Z', userIdentity: { type: 'x', sessionContext: { attributes: {} } } }),
    ).toEqual({ userIdentity: { sessionContext: { attributes: {} } } })
  })

  it('keeps a userIdentity that is not an object whole', () => {
    expect(unmapped({ ...seedSampleEvent(), userIdentity: 'root' })).toEqual({ userIdentity: 'root' })
    expect(unmapped({ ...seedSampleEvent(), userIdentity: [] })).toEqual({ userIdentity: [] })
  })

  it('does not change the event it reads', () => {
    const event = consoleEvent2025()
    const before = structuredClone(event)
    rowOf(event)
    expect(event).toEqual(before)
  })
})

describe('mfa_authenticated at the older path userIdentity.sessionContext.sessionAttributes', () => {
  const withContext = (sessionContext: Event): Event => ({ ...consoleEvent2025(), userIdentity: { type: 'ram-user', accountId: '1', sessionContext } })

  it('is read when the current path is absent, and leaves unmapped when taken exactly', () => {
    const event = withContext({ sessionAttributes: { mfaAuthenticated: 'true', creationDate: 'c' } })
    expect(rowOf(event).mfa_authenticated).toBe(true)
    expect(unmapped(event).userIdentity).toEqual({ sessionContext: { sessionAttributes: { creationDate: 'c' } } })
  })

  it('stays in unmapped when the column cannot hold it exactly', () => {
    const event = withContext({ sessionAttributes: { mfaAuthenticated: 'maybe' } })
    expect(rowOf(event).mfa_authenticated).toBeNull()
    expect(unmapped(event).userIdentity).toEqual({ sessionContext: { sessionAttributes: { mfaAuthenticated: 'maybe' } } })
  })

  it('gives way to the current path, and then stays in unmapped whatever its value', () => {
    const event = withContext({ attributes: { mfaAuthenticated: 'false' }, sessionAttributes: { mfaAuthenticated: 'false' } })
    expect(rowOf(event).mfa_authenticated).toBe(false)
    expect(unmapped(event).userIdentity).toEqual({ sessionContext: { sessionAttributes: { mfaAuthenticated: 'false' } } })
  })
})
