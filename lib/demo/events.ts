import { seedEventNames } from '../catalog/ccc-api.js'
import { type Rng, weightedTable } from './rng.js'

/**
 * Realistic ActionTrail events for demos, tests and benchmarks, shaped like the seed sample
 * (lib/demo/sample-event.ts) and the ActionTrail logon samples, with the quirks seen in the
 * wild: eventVersion as number or string, accountId as number, `errorCode: ""`, missing
 * apiVersion, repeated parameters as `Name.1` keys. CCC events carry the fields of 2025 events too
 * (eventRW, recipientAccountId, referencedResources, vpcId for calls from inside a VPC).
 */
export interface EventContext {
  time: Date
  region: string
  /** The CCC instance; one of DEMO_INSTANCES when absent. */
  instanceId?: string
  /** Forces the event name; drawn with realistic weights when absent. */
  name?: string
  /** The account the trail belongs to; DEMO_ACCOUNT_ID when absent. */
  accountId?: string
}

export type DemoEvent = Record<string, unknown>

export const DEMO_ACCOUNT_ID = '1059804828509'
export const DEMO_INSTANCES = ['13c33db2-41a5-b0d0-e9e96614ad32', 'ccc-test-7f3a', '8d0c1f2e-5b7a-4c39-a1d6-02f9e8b4c715'] as const

// Relative call frequencies of the seed's events: workbench polling dominates.
const CCC_WEIGHTS: Record<string, number> = {
  ListConfig: 30,
  RefreshToken: 24,
  ListUsers: 14,
  ListSkillGroupsOfUser: 8,
  GetInstance: 7,
  SaveWebRTCStats: 6,
  ListSkillGroups: 5,
  ListTransferableSkillGroups: 4,
  ListContactFlows: 3,
  GetNumberRegionInfo: 3,
  PickGlobalOutboundNumbers: 3,
  StartBack2BackCall: 3,
  ListCallDetailRecords: 3,
  ListAgentEvents: 2,
  LaunchAppraise: 2,
  ListAgentSummaryReports: 1.5,
  ListSkillGroupSummaryReports: 1,
  SendPredefinedShortMessage: 1,
  DownloadRecording: 0.6,
  AssignUsers: 0.4,
  AddBulkPhoneNumbers: 0.3,
  CreateSkillGroup: 0.2,
}
const CCC_NAMES = weightedTable(seedEventNames().map((name) => [name, CCC_WEIGHTS[name] ?? 1] as const))

interface Agent {
  userName: string
  principalId: string
  accessKeyId: string
}
const AGENTS: readonly Agent[] = [
  { userName: 'gudihui2', principalId: '239218489119881', accessKeyId: 'LTAI4GK6Bkjo2XhCjBRrAbjL' },
  { userName: 'zhang.wei', principalId: '203564417720952', accessKeyId: 'LTAI5tQ8mZr3KcVw1N7eXyPb' },
  { userName: 'li.na', principalId: '276120983345617', accessKeyId: 'LTAI5tFh2JpL9sDq4WkRmTzA' },
  { userName: 'wang.fang', principalId: '251887346012093', accessKeyId: 'LTAI4FzX7bN1cQ3vHk8yUeWd' },
  { userName: 'ccc-ops', principalId: '228403157790264', accessKeyId: 'LTAI5tB6nYw2GxK7pMd3RsQe' },
]
const ROLE = { name: 'AliyunCCCWorkbenchRole', principalId: '300941275521068714' }
const CLIENT_IPS = ['203.209.240.173', '47.100.12.34', '116.62.88.10', '101.132.45.7', '120.55.190.22']
const SDK_AGENTS = [
  'AlibabaCloud (Linux; amd64) Java/1.8.0_152-b187 Core/4.4.5 HTTPClient/ApacheHttpClient',
  'AlibabaCloud (linux; x64) Node.js/v14.17.0 Core/1.7.2 TeaDSL/1',
  'aliyun-sdk-python/2.13.29 Python/3.8.5 Linux/4.19.91',
  'Aliyun-CLI-V3.0.64',
]
const BROWSER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.150 Safari/537.36'
const ERRORS: readonly (readonly [string, string])[] = [
  ['Forbidden.NoPermission', 'You are not authorized to operate on the specified resource.'],
  ['Throttling.User', 'Request was denied due to user flow control.'],
  ['InvalidParameter', 'The specified parameter is invalid.'],
  ['InvalidInstanceId.NotFound', 'The specified instance does not exist.'],
  ['ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'],
]

/** A CloudCallCenter API event. */
export function cccEvent(rng: Rng, ctx: EventContext): DemoEvent {
  const name = ctx.name ?? rng.weighted(CCC_NAMES)
  const consoleCall = rng.chance(0.12)
  const requestId = uuid(rng)
  const host = `ccc.${ctx.region}.aliyuncs.com`
  const instanceId = ctx.instanceId ?? rng.pick(DEMO_INSTANCES)
  const event: DemoEvent = {
    eventId: rng.chance(0.8) ? requestId : uuid(rng),
    eventVersion: rng.chance(0.85) ? 1 : '1',
    eventSource: host,
    requestParameters: {
      ...cccParameters(rng, name, ctx.time),
      AcsHost: host,
      RequestId: requestId,
      InstanceId: instanceId,
      HostId: host,
      AcsProduct: 'CCC',
      RegionId: ctx.region,
    },
    sourceIpAddress: consoleCall || rng.chance(0.93) ? rng.pick(CLIENT_IPS) : 'Internal',
    userAgent: consoleCall ? rng.pick(['ccc.console.aliyun.com', BROWSER_AGENT]) : rng.pick(SDK_AGENTS),
    eventType: consoleCall ? 'ConsoleOperation' : 'ApiCall',
    userIdentity: identity(rng, ctx.accountId ?? DEMO_ACCOUNT_ID),
    serviceName: 'CloudCallCenter',
    additionalEventData: { Scheme: rng.chance(0.8) ? 'https' : 'http' },
  }
  const apiVersion = rng.weighted(API_VERSIONS)
  if (apiVersion) event.apiVersion = apiVersion
  Object.assign(event, { requestId, eventTime: isoSeconds(ctx.time), isGlobal: false, acsRegion: ctx.region, eventName: name })
  Object.assign(event, outcome(rng, requestId))
  // Derived from what was drawn above, so that corpora keep their random sequence.
  const params = event.requestParameters as DemoEvent
  event.eventRW = READ_CALL.test(name) ? 'Read' : 'Write'
  event.recipientAccountId = ctx.accountId ?? DEMO_ACCOUNT_ID
  event.referencedResources = referencedResources(instanceId, params)
  if (event.sourceIpAddress === 'Internal') event.vpcId = `vpc-uf6${instanceId.replace(/-/g, '').slice(0, 17)}`
  return event
}

const READ_CALL = /^(List|Get|Describe|Download|Pick|Query|Check)/

/** Resource type -> ids the call touched, the way ActionTrail lists them: the instance and the users, groups, numbers named. */
function referencedResources(instanceId: string, params: DemoEvent): DemoEvent {
  const resources: Record<string, string[]> = { 'ACS::CCC::Instance': [instanceId] }
  const ids = (pattern: RegExp) => [
    ...new Set(
      Object.entries(params)
        .filter(([key]) => pattern.test(key))
        .map(([, value]) => String(value)),
    ),
  ]
  const users = ids(/^(UserId|UserRamId|RamId|UId)(\.\d+)?$/)
  const groups = ids(/^SkillGroupIds?(\.\d+)?$/)
  const numbers = ids(/^PhoneNumber\.\d+$/)
  if (users.length) resources['ACS::CCC::User'] = users
  if (groups.length) resources['ACS::CCC::SkillGroup'] = groups
  if (numbers.length) resources['ACS::CCC::PhoneNumber'] = numbers
  return resources
}

const API_VERSIONS = weightedTable<string | undefined>([
  ['2017-07-05', 72],
  ['2020-07-01', 18],
  [undefined, 8],
  ['*', 2],
])

function outcome(rng: Rng, requestId: string): DemoEvent {
  const roll = rng.next()
  if (roll < 0.05) {
    const [errorCode, errorMessage] = rng.pick(ERRORS)
    return { errorCode, errorMessage }
  }
  if (roll < 0.07) return { errorCode: '', errorMessage: '' }
  if (roll < 0.27) return { responseElements: { RequestId: requestId, Success: true, Code: 'OK', HttpStatusCode: 200 } }
  return {}
}

function identity(rng: Rng, accountId: string): DemoEvent {
  const account = rng.chance(0.1) && Number.isSafeInteger(Number(accountId)) ? Number(accountId) : accountId
  const mfa = { attributes: { mfaAuthenticated: rng.chance(0.15) ? 'true' : 'false' } }
  const kind = rng.next()
  if (kind < 0.08) {
    return { type: 'root-account', accountId: account, principalId: accountId, userName: 'root', accessKeyId: 'LTAI4Fr00tAcc3ssK3yDem0', sessionContext: mfa }
  }
  const agent = rng.pick(AGENTS)
  if (kind < 0.25) return assumedRole(rng, account, accountId, agent)
  return { accessKeyId: agent.accessKeyId, sessionContext: mfa, accountId: account, principalId: agent.principalId, type: 'ram-user', userName: agent.userName }
}

function assumedRole(rng: Rng, account: unknown, accountId: string, agent: Agent): DemoEvent {
  return {
    type: 'assumed-role',
    accountId: account,
    principalId: `${ROLE.principalId}:${agent.userName}`,
    userName: `${ROLE.name}:${agent.userName}`,
    accessKeyId: `STS.NT${rng.hex(20)}`,
    sessionContext: {
      attributes: { mfaAuthenticated: 'false', creationDate: '2021-02-01T00:00:00Z' },
      sessionIssuer: {
        type: 'role',
        arn: `acs:ram::${accountId}:role/${ROLE.name.toLowerCase()}`,
        principalId: ROLE.principalId,
        userName: ROLE.name,
        accountId,
      },
    },
  }
}

type ParamBuilder = (rng: Rng, time: Date) => DemoEvent

const CONFIG_ITEMS = [
  'AllowHangup',
  'ShowCalledID',
  'ShowCalleeID',
  'SatisfactionSurvey',
  'AutoAnswerCall',
  'SmsSatisfactionSurvey',
  'enableRecord',
  'AllowChooseSkillGroup',
  'SettingWorkbenchLogLevel',
]
const SKILL_GROUPS = ['b3a4c1e2-7d5f-4a8b-9c0d-1e2f3a4b5c6d', 'f1e2d3c4-b5a6-4978-8a6b-5c4d3e2f1a0b']
const CENTER_NUMBERS = ['057126880000', '02161234567', '4001234567']

const PARAMS: Record<string, ParamBuilder> = {
  ListConfig: () =>
    repeated(
      'ConfigItem',
      CONFIG_ITEMS.map((name) => ({ name, DimensionName: 'instance' })),
    ),
  LaunchAppraise: (rng) => ({ Acid: rng.digits(16) }),
  AddBulkPhoneNumbers: (rng) => ({
    ...repeated('PhoneNumber', [rng.pick(CENTER_NUMBERS), rng.pick(CENTER_NUMBERS)]),
    'SkillGroupId.1': rng.pick(SKILL_GROUPS),
    Usage: 'Bidirection',
  }),
  GetNumberRegionInfo: (rng) => ({ Number: mobile(rng) }),
  PickGlobalOutboundNumbers: (rng) => ({ 'CalleeNumber.1': mobile(rng), 'SkillGroupId.1': rng.pick(SKILL_GROUPS), Count: 1, IsVirtual: false }),
  StartBack2BackCall: (rng) => ({ Caller: mobile(rng), Callee: mobile(rng), CallCenterNumber: rng.pick(CENTER_NUMBERS), Timeout: 60 }),
  CreateSkillGroup: (rng) => ({ Name: `group-${rng.hex(4)}`, Description: 'demo', 'UserId.1': rng.pick(AGENTS).principalId, 'SkillLevel.1': rng.int(1, 10) }),
  ListSkillGroupsOfUser: (rng) => ({ UserId: rng.pick(AGENTS).principalId }),
  AssignUsers: (rng) => ({ 'UserRamId.1': rng.pick(AGENTS).principalId, 'RoleId.1': 'Agent', 'SkillGroupId.1': rng.pick(SKILL_GROUPS), 'SkillLevel.1': 5 }),
  ListUsers: (rng) => ({ PageNumber: rng.int(1, 3), PageSize: 100 }),
  ListAgentEvents: (rng, time) => ({ ...window(time), 'Event.1': 'Login', 'RamId.1': rng.pick(AGENTS).principalId }),
  DownloadRecording: (rng, time) => ({ FileName: `${rng.digits(16)}-${compactTime(time)}-${mobile(rng)}.wav`, Channel: 'all' }),
  ListCallDetailRecords: (rng, time) => ({ ...window(time), PageNumber: rng.int(1, 5), PageSize: 50, ContactType: 'Outbound' }),
  ListAgentSummaryReports: (rng, time) => ({ ...window(time), PageNumber: 1, PageSize: 100, SkillGroupId: rng.pick(SKILL_GROUPS) }),
  ListSkillGroupSummaryReports: (rng, time) => ({ ...window(time), PageNumber: 1, PageSize: 100, SkillGroupIds: rng.pick(SKILL_GROUPS) }),
  SaveWebRTCStats: (rng, time) => ({
    CallId: rng.digits(16),
    UId: rng.pick(AGENTS).principalId,
    RecordTime: String(time.getTime()),
    Stats: '{"rtt":38,"jitter":4,"packetsLost":0}',
  }),
  SendPredefinedShortMessage: (rng) => ({ PhoneNumbers: mobile(rng), ConfigId: rng.int(1000, 9999), TemplateParam: '{"code":"1234"}' }),
}

function cccParameters(rng: Rng, name: string, time: Date): DemoEvent {
  return PARAMS[name]?.(rng, time) ?? {}
}

function repeated(name: string, values: readonly unknown[]): DemoEvent {
  return Object.fromEntries(values.map((value, i) => [`${name}.${i + 1}`, value]))
}

function window(time: Date): DemoEvent {
  const stop = time.getTime() - (time.getTime() % 3_600_000)
  return { StartTime: String(stop - 86_400_000), StopTime: String(stop) }
}

function mobile(rng: Rng): string {
  return rng.pick(['138', '139', '150', '186', '177']) + rng.digits(8)
}

// ---------------------------------------------------------------------------------------------
// Non-CCC events that share the archives. None may look like CCC: no serviceName
// CloudCallCenter, no eventSource starting `ccc.`, no AcsProduct CCC.

type NoiseBuilder = (rng: Rng, ctx: EventContext) => DemoEvent

const BUCKETS = ['ccc-recordings', 'app-logs-prod', 'static-assets']

const NOISE: readonly (readonly [NoiseBuilder, number])[] = [
  [ramSignin, 10],
  [rootSignin, 3],
  [ramSignout, 4],
  [(rng, ctx) => ecsCall(rng, ctx, 'DescribeInstances', { PageSize: 50, PageNumber: 1 }), 20],
  [(rng, ctx) => ecsCall(rng, ctx, 'DescribeInstanceStatus', { PageSize: 50 }), 6],
  [(rng, ctx) => ecsCall(rng, ctx, 'StartInstance', { InstanceId: `i-uf6${rng.hex(17)}` }), 2],
  [(rng, ctx) => ossCall(rng, ctx, 'GetObject'), 15],
  [(rng, ctx) => ossCall(rng, ctx, 'PutObject'), 10],
  // RAM has a ListUsers too: same name as the CCC API, different service.
  [(rng, ctx) => apiCall(rng, ctx, { service: 'Ram', source: 'ram.aliyuncs.com', product: 'Ram', version: '2015-05-01', name: 'ListUsers', global: true }), 5],
  [(rng, ctx) => apiCall(rng, ctx, { service: 'Ram', source: 'ram.aliyuncs.com', product: 'Ram', version: '2015-05-01', name: 'GetUser', global: true }), 3],
  [(rng, ctx) => apiCall(rng, ctx, { service: 'Sts', source: 'sts.aliyuncs.com', product: 'Sts', version: '2015-04-01', name: 'AssumeRole', global: true }), 6],
  [
    (rng, ctx) =>
      apiCall(rng, ctx, {
        service: 'Actiontrail',
        source: `actiontrail.${ctx.region}.aliyuncs.com`,
        product: 'Actiontrail',
        version: '2020-07-06',
        name: 'LookupEvents',
        global: false,
      }),
    3,
  ],
]
const NOISE_TABLE = weightedTable(NOISE)

/** An event of another service (logons, ECS, OSS, RAM, STS, ActionTrail). */
export function noiseEvent(rng: Rng, ctx: EventContext): DemoEvent {
  return rng.weighted(NOISE_TABLE)(rng, ctx)
}

function ramSignin(rng: Rng, ctx: EventContext): DemoEvent {
  return {
    ...signinBase(rng, ctx, 'ConsoleSignin'),
    additionalEventData: { callbackUrl: 'https://ccc.console.aliyun.com/', mfaChecked: rng.chance(0.2) ? 'true' : 'false' },
  }
}

function ramSignout(rng: Rng, ctx: EventContext): DemoEvent {
  return signinBase(rng, ctx, 'ConsoleSignout')
}

function signinBase(rng: Rng, ctx: EventContext, name: string): DemoEvent {
  const agent = rng.pick(AGENTS)
  const id = `1.${rng.int(100, 199)}_${ctx.time.getTime()}_${rng.hex(4)}`
  return {
    requestId: id,
    eventType: name,
    eventName: name,
    eventSource: 'signin.aliyun.com',
    serviceName: 'AasSub',
    userIdentity: { accountId: ctx.accountId ?? DEMO_ACCOUNT_ID, principalId: agent.principalId, type: 'ram-user', userName: agent.userName },
    acsRegion: ctx.region,
    eventTime: isoSeconds(ctx.time),
    userAgent: BROWSER_AGENT,
    eventId: id,
    errorCode: '',
    errorMessage: '',
    eventVersion: '1',
    sourceIpAddress: rng.pick(CLIENT_IPS),
  }
}

function rootSignin(rng: Rng, ctx: EventContext): DemoEvent {
  const accountId = ctx.accountId ?? DEMO_ACCOUNT_ID
  const id = uuid(rng).toLowerCase()
  return {
    eventId: id,
    eventVersion: 1,
    eventSource: 'http://account.aliyun.com/login/login_aliyun.htm',
    sourceIpAddress: rng.pick(CLIENT_IPS),
    userAgent: BROWSER_AGENT,
    eventType: 'ConsoleSignin',
    userIdentity: { accountId, principalId: accountId, type: 'root-account', userName: 'root' },
    serviceName: 'AasCustomer',
    additionalEventData: { loginAccount: 'ccc-admin', isMFAChecked: rng.chance(0.5) ? 'true' : 'false' },
    requestId: id,
    eventTime: isoSeconds(ctx.time),
    isGlobal: true,
    acsRegion: ctx.region,
    eventName: 'ConsoleSignin',
  }
}

function ecsCall(rng: Rng, ctx: EventContext, name: string, params: DemoEvent): DemoEvent {
  const event = apiCall(rng, ctx, { service: 'Ecs', source: 'ecs.aliyuncs.com', product: 'Ecs', version: '2014-05-26', name, global: false })
  Object.assign(event.requestParameters as DemoEvent, params)
  return event
}

function ossCall(rng: Rng, ctx: EventContext, name: string): DemoEvent {
  const bucket = rng.pick(BUCKETS)
  const event = apiCall(rng, ctx, { service: 'Oss', source: `oss-${ctx.region}.aliyuncs.com`, product: 'Oss', version: undefined, name, global: false })
  event.requestParameters = {
    HostId: `${bucket}.oss-${ctx.region}.aliyuncs.com`,
    BucketName: bucket,
    ObjectName: `${compactTime(ctx.time)}/${rng.hex(12)}.wav`,
    AcsProduct: 'Oss',
  }
  event.referencedResources = { 'ACS::OSS::Bucket': [bucket] }
  return event
}

interface ApiSpec {
  service: string
  source: string
  product: string
  version: string | undefined
  name: string
  global: boolean
}

function apiCall(rng: Rng, ctx: EventContext, spec: ApiSpec): DemoEvent {
  const requestId = uuid(rng)
  const event: DemoEvent = {
    eventId: requestId,
    eventVersion: 1,
    eventSource: spec.source,
    requestParameters: { AcsHost: spec.source, RequestId: requestId, HostId: spec.source, AcsProduct: spec.product, RegionId: ctx.region },
    sourceIpAddress: rng.chance(0.3) ? 'Internal' : rng.pick(CLIENT_IPS),
    userAgent: rng.pick(SDK_AGENTS),
    eventType: 'ApiCall',
    userIdentity: identity(rng, ctx.accountId ?? DEMO_ACCOUNT_ID),
    serviceName: spec.service,
    additionalEventData: { Scheme: 'https' },
    requestId,
    eventTime: isoSeconds(ctx.time),
    isGlobal: spec.global,
    acsRegion: ctx.region,
    eventName: spec.name,
  }
  if (spec.version) event.apiVersion = spec.version
  return Object.assign(event, outcome(rng, requestId))
}

// ---------------------------------------------------------------------------------------------

function uuid(rng: Rng): string {
  const h = rng.hex(32, true)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

function isoSeconds(time: Date): string {
  return time.toISOString().slice(0, 19) + 'Z'
}

function compactTime(time: Date): string {
  return time.toISOString().slice(0, 19).replace(/[-T:]/g, '')
}
