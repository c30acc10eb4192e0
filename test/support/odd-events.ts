import type { Rng } from '../../lib/demo/rng.js'

/**
 * CCC events in every shape a lossless table must survive: unknown nested fields, numbers, booleans,
 * nulls, empty arrays and objects, unicode, quotes, very long values, and values a column cannot hold
 * exactly (eventVersion "v2", isGlobal "maybe", eventTime with microseconds, a float accountId, ...).
 * Each event's `eventId` is unique (`odd-<n>` or the number n) so a test can find it again.
 */
export function oddCccEvent(rng: Rng, n: number): Record<string, unknown> {
  const event: Record<string, unknown> = {}
  const maybe = (key: string, choices: readonly unknown[]) => {
    const value = rng.pick(choices)
    if (value !== ABSENT) event[key] = typeof value === 'function' ? value() : value
  }
  event.eventId = rng.chance(0.9) ? `odd-${n}` : n
  if (rng.chance(0.7)) event.serviceName = 'CloudCallCenter'
  event.eventSource = event.serviceName && rng.chance(0.3) ? 'odd.example.com' : 'ccc.cn-shanghai.aliyuncs.com'
  maybe('eventVersion', [1, 1, '1', 'v2', 1.5, '01', ABSENT, null])
  maybe('eventTime', [
    '2021-02-03T04:10:08Z',
    '2021-02-03T04:10:08.123Z',
    '2021-02-03T04:10:08.000Z',
    '2021-02-03T04:10:08.123456Z',
    '2021-02-03T12:10:08+08:00',
    '2021-02-03 04:10:08Z',
    1612325408,
  ])
  maybe('eventName', [
    'ListConfig',
    'ListUsers',
    'StartBack2BackCall',
    'a/b',
    'x=1',
    '',
    ABSENT,
    42,
    'NULL',
    '查询',
    '__HIVE_DEFAULT_PARTITION__',
    'has space',
    '..',
  ])
  maybe('eventType', ['ApiCall', 'ConsoleOperation', ABSENT, null, 7])
  maybe('isGlobal', [false, true, 'false', 'true', 'maybe', ABSENT, 0, null, 'TRUE'])
  maybe('eventRW', ['Read', 'Write', ABSENT, 1, null])
  maybe('recipientAccountId', ['1663000000000001', 1059804828509, 1.5, ABSENT, '', true])
  maybe('referencedResources', [() => ({ 'ACS::CCC::Instance': ['ccc-1'], 'ACS::CCC::User': ['u-1', 'u-2'] }), () => ({}), () => [], null, ABSENT, 'ccc-1'])
  maybe('requestParameters', [
    () => document(rng),
    () => ({ InstanceId: 'ccc-1', AcsProduct: 'CCC' }),
    ABSENT,
    null,
    () => ({}),
    'text',
    () => JSON.parse('{"__proto__":{"polluted":true},"InstanceId":"ccc-1"}'),
  ])
  maybe('responseElements', [() => document(rng), ABSENT, () => ({ RequestId: 'r', Data: { TotalCount: 12 } }), () => []])
  maybe('additionalEventData', [() => ({ Scheme: 'https' }), ABSENT, () => ({ nested: { deeper: { deepest: [null, false, 0, -1.25e-7, 'z'] } } })])
  maybe('errorCode', ['', 'Forbidden.NoPermission', ABSENT, null, 404])
  maybe('errorMessage', ['', 'He said "no" \\ twice', ABSENT, null, '错误：无权限'])
  maybe('requestId', ['r-1', ABSENT, 123])
  maybe('acsRegion', ['cn-shanghai', ABSENT, ''])
  maybe('apiVersion', ['2020-07-01', '*', ABSENT, 20200701])
  maybe('sourceIpAddress', ['203.0.113.9', 'Internal', ABSENT])
  maybe('userAgent', ['Mozilla/5.0 "quoted" \\ back', 'lone \ud800 surrogate', 'emoji 📞', ABSENT, () => 'long '.repeat(40_000)])
  maybe('userIdentity', [() => identity(rng), () => identity(rng), () => identity(rng), ABSENT, () => ({}), 'root', () => [], null])
  maybe('vpcId', ['vpc-uf6', ABSENT, null])
  maybe('sharedEventId', ['se-1', ABSENT])
  maybe('tlsVersion', ['TLSv1.3', ABSENT])
  maybe('键 "quoted"', [() => ({ a: [], b: {}, c: null, d: [[], [{}]] }), ABSENT])
  maybe('x-long', [() => '长'.repeat(50_000), ABSENT, ABSENT, ABSENT])
  // A field named "__proto__" (JSON.parse makes it an own property; an assignment would set the prototype).
  if (rng.chance(0.1))
    Object.defineProperty(event, '__proto__', { value: JSON.parse('{"__proto__":[1],"x":{}}'), enumerable: true, writable: true, configurable: true })
  return event
}

const ABSENT = Symbol('absent')

function identity(rng: Rng): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const maybe = (key: string, choices: readonly unknown[]) => {
    const value = rng.pick(choices)
    if (value !== ABSENT) out[key] = typeof value === 'function' ? value() : value
  }
  maybe('type', ['ram-user', 'assumed-role', 'root-account', ABSENT, 3])
  maybe('accountId', ['1059804828509', 1059804828509, 1.5, 1e21, ABSENT, null, '1059804828509 '])
  maybe('principalId', ['239218489119881', 239218489119881, ABSENT, '300941275521068714:agent'])
  maybe('userName', ['gudihui2', 'AliyunCCCWorkbenchRole:li.na', ABSENT, '用户'])
  maybe('accessKeyId', ['LTAI4GK6Bkjo2XhCjBRrAbjL', ABSENT, 'STS.NT1'])
  maybe('sessionContext', [
    () => ({ attributes: { mfaAuthenticated: rng.pick(['true', 'false', true, 'maybe', 1, null]) } }),
    () => ({
      attributes: { mfaAuthenticated: 'false', creationDate: '2025-07-07T01:39:09Z' },
      sessionIssuer: { type: 'role', userName: 'AliyunCCCWorkbenchRole', principalId: 300941275521068 },
    }),
    () => ({ attributes: {} }),
    () => ({}),
    () => ({ attributes: 'none' }),
    ABSENT,
  ])
  maybe('extra', [ABSENT, ABSENT, () => ({ x: [1, 2, { y: null }] })])
  return out
}

function document(rng: Rng): Record<string, unknown> {
  return {
    InstanceId: rng.pick(['ccc-1', 'ccc-2']),
    AcsProduct: 'CCC',
    PageSize: 100,
    Ratio: 0.1 + 0.2,
    Force: false,
    Tags: [],
    Empty: {},
    Nothing: null,
    'X-Acs-Client-Tls-Version': 'TLSv1.3',
    'Name.1': 'a',
    'Name.2': 'b',
    Quote: 'say "hi" \\ \n\t end',
    Unicode: '坐席 ✓ 📞',
    Nested: { a: { b: { c: [1, 'two', { three: [true, null] }] } } },
    ...(rng.chance(0.1) ? { Blob: 'x'.repeat(100_000) } : {}),
  }
}
