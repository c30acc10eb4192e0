import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadConfig } from '../../lib/config.js'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { backfillDeps } from '../../lib/fc/backfill-deps.js'
import type { InvocationDeps } from '../../lib/fc/container.js'
import { ossTriggerEvent } from '../../lib/fc/oss-event.js'
import { handleBackfillEvent } from '../../lib/handlers/backfill.js'
import { handle as handleCompaction } from '../../lib/handlers/compact-timer.js'
import { handle as handleDeadLetter } from '../../lib/handlers/dead-letter.js'
import { handle as handleOssEvent } from '../../lib/handlers/oss-trigger.js'
import { deadLetterKey } from '../../lib/layout.js'
import type { LocationSpec } from '../../lib/location.js'
import { silentLogger } from '../../lib/log.js'
import type { Location } from '../../lib/storage/open.js'
import { OssStorage } from '../../lib/storage/oss.js'
import { type FcServer, startFcServer } from '../support/fc-server.js'
import { moduleGraph } from '../support/module-graph.js'
import { type OssServer, type RecordedRequest, startOssServer } from '../support/oss-server.js'

/**
 * deploy/ram/<function>.json, one RAM policy per function, each granting exactly what that function's code
 * calls. Two checks: (1) from the source — the OSS and FC calls in the modules each handler can load decide
 * what its role needs, and its policy must allow all of that and nothing more; (2) at run time — every
 * request each handler really makes (recorded by the OSS and FC test servers) must be allowed.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const ACCOUNT = '1234567890123456'
const REGION = 'cn-shanghai'
const BUCKET = 'trail-bucket'
const SOURCE_PREFIX = 'trail/'
const DEST_PREFIX = 'ccc-parquet/ccc_events/'
const FUNCTIONS = ['oss-trigger', 'backfill', 'compact', 'dead-letter'] as const
type FunctionKey = (typeof FUNCTIONS)[number]

interface Statement {
  Effect: string
  Action: string | string[]
  Resource: string | string[]
  Condition?: Record<string, Record<string, string | string[]>>
}
interface Policy {
  Version: string
  Statement: Statement[]
}

interface SYamlProps {
  functionName: string
  role: string
  environmentVariables: Record<string, string>
  asyncInvokeConfig?: { destinationConfig?: { onFailure?: { destination?: string } } }
}
const description = parse(readFileSync(path.join(root, 's.yaml'), 'utf8')) as { resources: Record<string, { props: SYamlProps }> }
const props = (key: FunctionKey) => description.resources[key]!.props
const functionName = (key: FunctionKey) => props(key).functionName

function renderPolicy(key: FunctionKey): Policy {
  let text = readFileSync(path.join(root, 'deploy', 'ram', `${key}.json`), 'utf8')
  const values = { 'account-id': ACCOUNT, region: REGION, bucket: BUCKET, 'source-prefix': SOURCE_PREFIX, 'dest-bucket': BUCKET, 'dest-prefix': DEST_PREFIX }
  for (const [name, value] of Object.entries(values)) text = text.split(`<${name}>`).join(value)
  expect(text, 'every placeholder is one docs/deploy.md fills in').not.toMatch(/<[a-z-]+>/)
  return JSON.parse(text) as Policy
}
const policies = Object.fromEntries(FUNCTIONS.map((key) => [key, renderPolicy(key)])) as Record<FunctionKey, Policy>

/** RAM's `*` and `?` wildcards, matched against a whole string. */
function like(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${regex}$`).test(value)
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value])

interface Permission {
  action: string
  resource: string
  context?: Record<string, string>
}

function allows(policy: Policy, { action, resource, context = {} }: Permission): boolean {
  return policy.Statement.some(
    (s) =>
      s.Effect === 'Allow' &&
      list(s.Action).some((a) => like(a, action)) &&
      list(s.Resource).some((r) => like(r, resource)) &&
      Object.entries(s.Condition?.StringLike ?? {}).every(
        ([key, patterns]) => context[key] !== undefined && list(patterns).some((p) => like(p, context[key]!)),
      ),
  )
}

const object = (key: string) => `acs:oss:${REGION}:${ACCOUNT}:${BUCKET}/${key}`
const bucketArn = () => `acs:oss:${REGION}:${ACCOUNT}:${BUCKET}`
const fcFunction = (name: string) => `acs:fc:${REGION}:${ACCOUNT}:functions/${name}`

// --- What OSS authorizes each request of the driver as ----------------------------------------------

/** Every operation lib/storage/oss.ts sends, as RAM authorizes it (OSS API reference, "authorization"). */
const RAM_ACTION: Record<string, { action: string; on: 'object' | 'bucket' }> = {
  GetObject: { action: 'oss:GetObject', on: 'object' },
  HeadObject: { action: 'oss:GetObject', on: 'object' },
  PutObject: { action: 'oss:PutObject', on: 'object' },
  InitiateMultipartUpload: { action: 'oss:PutObject', on: 'object' },
  UploadPart: { action: 'oss:PutObject', on: 'object' },
  CompleteMultipartUpload: { action: 'oss:PutObject', on: 'object' },
  AbortMultipartUpload: { action: 'oss:AbortMultipartUpload', on: 'object' },
  DeleteObject: { action: 'oss:DeleteObject', on: 'object' },
  DeleteMultipleObjects: { action: 'oss:DeleteObject', on: 'object' },
  ListObjects: { action: 'oss:ListObjects', on: 'bucket' },
  ListObjectsV2: { action: 'oss:ListObjects', on: 'bucket' },
  GetBucketVersioning: { action: 'oss:GetBucketVersioning', on: 'bucket' },
}

/** The permissions one recorded request needed (DeleteMultipleObjects: oss:DeleteObject on every key it names). */
function permissionsFor(request: RecordedRequest): Permission[] {
  const mapped = RAM_ACTION[request.op]
  if (!mapped) throw new Error(`no RAM action known for ${request.op}`)
  if (request.op === 'DeleteMultipleObjects') return (request.keys ?? []).map((key) => ({ action: mapped.action, resource: object(key) }))
  if (request.op === 'GetBucketVersioning') return [{ action: mapped.action, resource: bucketArn() }]
  if (mapped.on === 'bucket') return [{ action: mapped.action, resource: bucketArn(), context: { 'oss:Prefix': request.key } }]
  return [{ action: mapped.action, resource: object(request.key) }]
}

/** For each Storage method of the OSS driver, the OSS operations it sends (its own and those of the methods it calls). */
function driverOperations(): Map<string, Set<string>> {
  const text = readFileSync(path.join(root, 'lib', 'storage', 'oss.ts'), 'utf8')
  const body = text.slice(text.indexOf('export class OssStorage'))
  const classText = body.slice(0, body.search(/^}/m))
  const direct = new Map<string, { ops: Set<string>; calls: Set<string> }>()
  let current: { ops: Set<string>; calls: Set<string> } | undefined
  for (const line of classText.split('\n')) {
    const header = /^ {2}(?:async )?(#?\w+)(?:<[^>]*>)?\(/.exec(line)
    if (header) direct.set(header[1]!, (current = { ops: new Set(), calls: new Set() }))
    if (!current) continue
    for (const m of line.matchAll(/#call\('(\w+)'/g)) current.ops.add(m[1]!)
    for (const m of line.matchAll(/this\.(#?\w+)\(/g)) if (m[1] !== '#call') current.calls.add(m[1]!)
  }
  const resolve = (name: string, seen = new Set<string>()): Set<string> => {
    const entry = direct.get(name)
    if (!entry || seen.has(name)) return new Set()
    seen.add(name)
    return new Set([...entry.ops, ...[...entry.calls].flatMap((callee) => [...resolve(callee, seen)])])
  }
  return new Map([...direct.keys()].filter((name) => !name.startsWith('#') && name !== 'constructor').map((name) => [name, resolve(name)]))
}

// --- What each function's code can call ------------------------------------------------------------

const STORAGE_CALL = /\b(?:storage|source|dest)\??\.(get|head|put|putStream|putIfAbsent|delete|deleteMany|list)\(/g

interface Reach {
  files: string[]
  /** Storage methods called anywhere in the reachable code. */
  methods: Set<string>
}

function reach(key: FunctionKey): Reach {
  const files = moduleGraph(path.join(root, 'functions', `${key}.ts`)).files.map((file) => path.relative(root, file))
  const methods = new Set(files.flatMap((file) => [...readFileSync(path.join(root, file), 'utf8').matchAll(STORAGE_CALL)].map((m) => m[1]!)))
  return { files, methods }
}

const ARCHIVE = `${SOURCE_PREFIX}AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/Actiontrail_cn-shanghai_20210203041500_1002_1_9_ab.gz`
const DATA_FILE = `${DEST_PREFIX}dt=2021-02-03/event_name=ListConfig/part-1.parquet`
const DEAD_LETTER = deadLetterKey(DEST_PREFIX, '2021-02-03', 'req-1')

/** One question to ask a policy, and whether the function's code needs the answer to be yes. */
interface Probe extends Permission {
  what: string
  needed: boolean
}

function probes(key: FunctionKey): Probe[] {
  const { files, methods } = reach(key)
  const ops = driverOperations()
  const destOps = new Set([...methods].flatMap((method) => [...(ops.get(method) ?? [])]))
  const destActions = new Set([...destOps].map((op) => RAM_ACTION[op]!.action))
  // The dead-letter function writes under its own folder; the others use the table's keys.
  const destKey = key === 'dead-letter' ? DEAD_LETTER : DATA_FILE
  const readsArchives = files.includes('lib/pipeline.ts')
  const listsTrail = files.includes('lib/backfill/list-window.ts') || files.includes('lib/source/list-archives.ts')
  const invokes = files.includes('lib/fc/invoker.ts')
  const worker = props(key).environmentVariables.WORKER_FUNCTION_NAME ?? functionName(key)
  const onFailure = props(key).asyncInvokeConfig?.destinationConfig?.onFailure?.destination
  const destination = onFailure?.slice(onFailure.lastIndexOf('/') + 1)
  const dest = (action: string, what: string): Probe => ({ what, action, resource: object(destKey), needed: destActions.has(action) })
  return [
    { what: 'read an archive', action: 'oss:GetObject', resource: object(ARCHIVE), needed: readsArchives },
    {
      what: 'list the trail',
      action: 'oss:ListObjects',
      resource: bucketArn(),
      context: { 'oss:Prefix': `${SOURCE_PREFIX}AliyunLogs/Actiontrail/cn-shanghai/2021/02/` },
      needed: listsTrail,
    },
    dest('oss:GetObject', 'read its output'),
    dest('oss:PutObject', 'write its output'),
    dest('oss:AbortMultipartUpload', 'abort a streamed upload'),
    dest('oss:DeleteObject', 'delete its output'),
    {
      what: 'list the table',
      action: 'oss:ListObjects',
      resource: bucketArn(),
      context: { 'oss:Prefix': `${DEST_PREFIX}_ccc_trail/manifests/` },
      needed: destActions.has('oss:ListObjects'),
    },
    { what: "read the bucket's versioning", action: 'oss:GetBucketVersioning', resource: bucketArn(), needed: destActions.has('oss:GetBucketVersioning') },
    { what: 'invoke the worker', action: 'fc:InvokeFunction', resource: fcFunction(worker), needed: invokes },
    {
      what: 'invoke the failure destination',
      action: 'fc:InvokeFunction',
      resource: fcFunction('ccc-trail-dead-letter'),
      needed: destination === 'ccc-trail-dead-letter',
    },
    {
      what: 'write its logs',
      action: 'log:PostLogStoreLogs',
      resource: `acs:log:${REGION}:${ACCOUNT}:project/serverless-${REGION}-4f1c/logstore/default-logs`,
      needed: true,
    },
  ]
}

describe('deploy/ram/<function>.json: each function may do what its code calls, and nothing more', () => {
  it('names a role per function in s.yaml, created from the policy of the same name', () => {
    for (const key of FUNCTIONS)
      expect(props(key).role, key).toBe(
        `\${vars.${{ 'oss-trigger': 'trigger', backfill: 'backfill', compact: 'compact', 'dead-letter': 'deadLetter' }[key]}Role}`,
      )
    const vars = (parse(readFileSync(path.join(root, 's.yaml'), 'utf8')) as { vars: Record<string, string> }).vars
    expect(FUNCTIONS.map((key) => vars[props(key).role.slice('${vars.'.length, -1)])).toEqual(
      FUNCTIONS.map((key) => `acs:ram::\${config('AccountID')}:role/ccc-trail-${key}-role`),
    )
  })

  it('knows how RAM authorizes every operation the OSS driver sends', () => {
    const sent = [...readFileSync(path.join(root, 'lib', 'storage', 'oss.ts'), 'utf8').matchAll(/#call\('(\w+)'/g)].map((m) => m[1]!)
    expect(sent.length).toBeGreaterThan(8)
    expect(sent.filter((op) => !(op in RAM_ACTION))).toEqual([])
    const ops = driverOperations()
    expect([...ops.get('putStream')!].sort()).toEqual(['AbortMultipartUpload', 'CompleteMultipartUpload', 'InitiateMultipartUpload', 'PutObject', 'UploadPart'])
    expect([...ops.get('putIfAbsent')!].sort()).toEqual(['GetBucketVersioning', 'PutObject'])
  })

  it.each(FUNCTIONS)('%s: the policy allows exactly what the code its handler can reach calls', (key) => {
    const wrong = probes(key)
      .filter((probe) => allows(policies[key], probe) !== probe.needed)
      .map((probe) => `${probe.needed ? 'missing' : 'not needed'}: ${probe.action} (${probe.what}) on ${probe.resource}`)
    expect(wrong, `deploy/ram/${key}.json`).toEqual([])
  })

  it('tells the functions apart: only backfill lists the trail and invokes, compaction never reads archives, the dead-letter function only writes dead letters', () => {
    const needed = (key: FunctionKey) =>
      new Set(
        probes(key)
          .filter((p) => p.needed)
          .map((p) => p.what),
      )
    expect(needed('backfill')).toContain('list the trail')
    expect(needed('backfill')).toContain('invoke the worker')
    expect(needed('oss-trigger')).not.toContain('list the trail')
    expect(needed('oss-trigger')).not.toContain('invoke the worker')
    expect(needed('oss-trigger')).toContain('abort a streamed upload')
    expect(needed('compact')).not.toContain('read an archive')
    expect([...needed('dead-letter')].sort()).toEqual(['write its logs', 'write its output'])
    expect(allows(policies['dead-letter'], { action: 'oss:PutObject', resource: object(DATA_FILE) })).toBe(false)
  })

  it('gives no function anything outside the trail, the table, its own invocations and its logs', () => {
    for (const key of FUNCTIONS) {
      const policy = policies[key]
      expect(allows(policy, { action: 'oss:GetObject', resource: object('private/secrets.csv') }), key).toBe(false)
      expect(allows(policy, { action: 'oss:GetObject', resource: object(`${SOURCE_PREFIX}AliyunLogs/Actiontrail-Insight/cn-shanghai/x.gz`) }), key).toBe(false)
      expect(allows(policy, { action: 'oss:PutObject', resource: object(ARCHIVE) }), key).toBe(false)
      expect(allows(policy, { action: 'oss:DeleteObject', resource: object(ARCHIVE) }), key).toBe(false)
      expect(allows(policy, { action: 'oss:ListObjects', resource: bucketArn(), context: { 'oss:Prefix': 'private/' } }), key).toBe(false)
      expect(allows(policy, { action: 'oss:ListObjects', resource: bucketArn() }), key).toBe(false)
      expect(allows(policy, { action: 'oss:PutObject', resource: `acs:oss:${REGION}:${ACCOUNT}:another-bucket/${DEST_PREFIX}x` }), key).toBe(false)
      expect(allows(policy, { action: 'oss:DeleteBucket', resource: bucketArn() }), key).toBe(false)
      expect(allows(policy, { action: 'fc:InvokeFunction', resource: fcFunction('payroll') }), key).toBe(false)
      expect(allows(policy, { action: 'fc:InvokeFunction', resource: fcFunction('ccc-trail-compact') }), key).toBe(false)
      expect(allows(policy, { action: 'fc:UpdateFunction', resource: fcFunction('ccc-trail-backfill') }), key).toBe(false)
      expect(allows(policy, { action: 'log:PostLogStoreLogs', resource: `acs:log:${REGION}:${ACCOUNT}:project/payroll/logstore/x` }), key).toBe(false)
    }
  })

  it('comes with a trust policy that lets only Function Compute assume the roles', () => {
    const trust = JSON.parse(readFileSync(path.join(root, 'deploy', 'ram', 'trust-policy.json'), 'utf8')) as {
      Statement: { Action: string; Principal: { Service: string[] } }[]
    }
    expect(trust.Statement).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['fc.aliyuncs.com'] } }])
  })
})

describe('deploy/ram/<function>.json against the requests each function really makes', () => {
  const CREDENTIALS = { accessKeyId: 'LTAIpolicyTest', accessKeySecret: 'policy-secret' }
  const NOW = Date.parse('2021-02-03T12:00:00Z')
  let server: OssServer
  let fc: FcServer
  let storage: OssStorage
  beforeAll(async () => {
    server = await startOssServer({ ...CREDENTIALS, buckets: [BUCKET] })
    fc = await startFcServer()
    storage = new OssStorage({ bucket: BUCKET, endpoint: server.endpoint, ...CREDENTIALS, retryBaseMs: 2 })
  })
  afterAll(async () => {
    await server.close()
    await fc.close()
  })

  function deps(env: Record<string, string> = {}): InvocationDeps {
    return {
      config: loadConfig({ SOURCE_BUCKET: BUCKET, SOURCE_PREFIX, DEST_PREFIX, ...env }),
      open: (spec: LocationSpec): Location => ({ storage, prefix: spec.prefix, spec }),
      log: silentLogger,
      now: () => NOW,
    }
  }

  /** Runs `work` and returns the requests it made that the policy of `key` refuses (none, or the test fails). */
  async function refused(key: FunctionKey, work: () => Promise<unknown>): Promise<{ refused: string[]; ops: Set<string> }> {
    const before = server.requests.length
    await work()
    const made = server.requests.slice(before)
    const refusals = made.flatMap((request) =>
      permissionsFor(request)
        .filter((permission) => !allows(policies[key], permission))
        .map((p) => `${request.op} → ${p.action} on ${p.resource}`),
    )
    return { refused: refusals, ops: new Set(made.map((r) => r.op)) }
  }

  const archive = (eventName: string, at: string) =>
    putArchive(storage, [{ ...seedSampleEvent(), eventName }], { prefix: SOURCE_PREFIX, deliveredAt: new Date(at) })

  it('oss-trigger: converting archives, and replacing the outputs of a changed one', async () => {
    const first = await archive('ListConfig', '2021-02-03T04:15:00Z')
    const second = await archive('ListConfig', '2021-02-03T04:20:00Z')
    const run = await refused('oss-trigger', async () => {
      await handleOssEvent(deps(), ossTriggerEvent([{ bucket: BUCKET, key: first }]))
      await handleOssEvent(deps(), ossTriggerEvent([{ bucket: BUCKET, key: second }]))
      await storage.put(first, gzipSync(JSON.stringify([{ ...seedSampleEvent(), eventName: 'ListUsers' }])))
      await handleOssEvent(deps(), ossTriggerEvent([{ bucket: BUCKET, key: first }]))
    })
    // The changed archive's run takes the lease of the partition it replaces files in: a conditional put after reading the versioning.
    expect(run.ops).toEqual(new Set(['HeadObject', 'GetObject', 'PutObject', 'DeleteMultipleObjects', 'ListObjectsV2', 'GetBucketVersioning']))
    expect(run.refused.filter((r) => !r.startsWith(`PutObject → oss:PutObject on ${object(first)}`))).toEqual([])
  })

  it('oss-trigger, backfill and compact: a streamed output the driver aborts (their code streams outputs)', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(1024 * 1024 + 1, 1)
      yield Buffer.alloc(1024 * 1024, 2)
      throw new Error('encoder failed')
    }
    for (const key of ['oss-trigger', 'backfill', 'compact'] as const) {
      expect(reach(key).methods, key).toContain('putStream')
      const run = await refused(key, () => expect(storage.putStream(DATA_FILE, failing())).rejects.toThrow('encoder failed'))
      expect(run.ops).toEqual(new Set(['InitiateMultipartUpload', 'UploadPart', 'AbortMultipartUpload']))
      expect(run.refused, key).toEqual([])
    }
  })

  it('backfill: listing a window, fanning it out to the worker, and the worker converting a batch', async () => {
    for (let minute = 25; minute < 40; minute += 5) await archive('ListUsers', `2021-02-03T05:${minute}:00Z`)
    const context = { requestId: 'r-backfill', region: REGION, accountId: ACCOUNT, function: { name: functionName('backfill'), timeout: 900, memory: 1024 } }
    const backfill = backfillDeps(deps({ FANOUT_THRESHOLD: '1', FANOUT_BATCH_SIZE: '2' }), context, { invoker: fc.invoker(), now: () => NOW })
    const invokedBefore = fc.received.length
    fc.onInvoke((_name, payload) => handleBackfillEvent(backfill, payload))
    const run = await refused('backfill', async () => {
      expect(await handleBackfillEvent(backfill, {})).toMatchObject({ status: 'done', mode: 'fanout' })
      await fc.drain()
    })
    expect(run.ops).toContain('ListObjectsV2')
    expect(run.ops).toContain('GetObject')
    expect(run.refused).toEqual([])
    const invoked = fc.received.slice(invokedBefore).map((r) => r.functionName)
    expect(invoked.length).toBeGreaterThan(0)
    expect(invoked.filter((name) => !allows(policies.backfill, { action: 'fc:InvokeFunction', resource: fcFunction(name) }))).toEqual([])
  })

  it('compact: merging a finished day of the table', async () => {
    const run = await refused('compact', async () => {
      const result = await handleCompaction(deps(), { date: '2021-02-03' })
      expect(result).toMatchObject({ partitions: expect.any(Number) })
    })
    expect(run.ops).toContain('DeleteMultipleObjects')
    expect(run.refused).toEqual([])
  })

  it('dead-letter: keeping a failed invocation', async () => {
    const run = await refused('dead-letter', () =>
      handleDeadLetter(deps(), JSON.stringify({ requestContext: { requestId: 'failed-1' }, requestPayload: '{"batch":["k"]}' }), { requestId: 'r-dl' }),
    )
    expect(run.ops).toEqual(new Set(['PutObject']))
    expect(run.refused).toEqual([])
  })
})
