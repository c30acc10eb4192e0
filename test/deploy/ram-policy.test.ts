import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadConfig } from '../../lib/config.js'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { handle as handleOssEvent } from '../../lib/handlers/oss-trigger.js'
import { ossTriggerEvent } from '../../lib/fc/oss-event.js'
import type { LocationSpec } from '../../lib/location.js'
import { silentLogger } from '../../lib/log.js'
import type { Location } from '../../lib/storage/open.js'
import { OssStorage } from '../../lib/storage/oss.js'
import { startOssServer, type OssServer, type RecordedRequest } from '../support/oss-server.js'

/**
 * deploy/ram-policy.json, filled in as docs/deploy.md says, must allow every OSS request the trigger
 * really makes (recorded by the OSS test server) and nothing outside the trail and the table.
 */

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

const ACCOUNT = '1234567890123456'
const REGION = 'cn-shanghai'
const BUCKET = 'trail-bucket'
const SOURCE_PREFIX = 'trail/'
const DEST_PREFIX = 'ccc-parquet/ccc_events/'

function renderPolicy(values: Record<string, string>): Policy {
  let text = readFileSync(new URL('../../deploy/ram-policy.json', import.meta.url), 'utf8')
  for (const [name, value] of Object.entries(values)) text = text.split(`<${name}>`).join(value)
  expect(text).not.toMatch(/<[a-z-]+>/)
  return JSON.parse(text) as Policy
}

const policy = renderPolicy({
  'account-id': ACCOUNT,
  region: REGION,
  bucket: BUCKET,
  'source-prefix': SOURCE_PREFIX,
  'dest-bucket': BUCKET,
  'dest-prefix': DEST_PREFIX,
})

/** RAM's `*` and `?` wildcards, matched against a whole string. */
function like(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${regex}$`).test(value)
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value])

function allows(action: string, resource: string, context: Record<string, string> = {}): boolean {
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

const object = (key: string, bucket = BUCKET) => `acs:oss:${REGION}:${ACCOUNT}:${bucket}/${key}`
const bucketArn = (bucket = BUCKET) => `acs:oss:${REGION}:${ACCOUNT}:${bucket}`

/** The RAM actions and resources an OSS request needs (HeadObject is authorized as GetObject, DeleteMultipleObjects as DeleteObject per key). */
function permissionsFor(request: RecordedRequest): [string, string, Record<string, string>][] {
  if (request.op === 'DeleteMultipleObjects') return (request.keys ?? []).map((key) => ['oss:DeleteObject', object(key), {}])
  return [permissionFor(request)]
}

function permissionFor(request: RecordedRequest): [string, string, Record<string, string>] {
  switch (request.op) {
    case 'GetObject':
    case 'HeadObject':
      return ['oss:GetObject', object(request.key), {}]
    case 'PutObject':
      return ['oss:PutObject', object(request.key), {}]
    case 'DeleteObject':
      return ['oss:DeleteObject', object(request.key), {}]
    case 'ListObjects':
    case 'ListObjectsV2':
      return ['oss:ListObjects', bucketArn(), { 'oss:Prefix': request.key }]
    case 'GetBucketVersioning':
      return ['oss:GetBucketVersioning', bucketArn(), {}]
    default:
      throw new Error(`unexpected request ${request.op}`)
  }
}

describe('deploy/ram-policy.json', () => {
  let server: OssServer
  beforeAll(async () => {
    server = await startOssServer({ accessKeyId: 'LTAIpolicyTest', accessKeySecret: 'policy-secret', buckets: [BUCKET] })
  })
  afterAll(() => server.close())

  it('allows every request the OSS trigger makes, including replacing a changed archive', async () => {
    const storage = new OssStorage({
      bucket: BUCKET,
      endpoint: server.endpoint,
      accessKeyId: 'LTAIpolicyTest',
      accessKeySecret: 'policy-secret',
      retryBaseMs: 2,
    })
    const deps = {
      config: loadConfig({ SOURCE_BUCKET: BUCKET, SOURCE_PREFIX, DEST_PREFIX }),
      open: (spec: LocationSpec): Location => ({ storage, prefix: spec.prefix, spec }),
      log: silentLogger,
    }
    const key = await putArchive(storage, [seedSampleEvent()], { prefix: SOURCE_PREFIX })
    const before = server.requests.length
    await handleOssEvent(deps, ossTriggerEvent([{ bucket: BUCKET, key }]))
    await storage.put(key, gzipSync(JSON.stringify([{ ...seedSampleEvent(), eventName: 'ListUsers' }])))
    await handleOssEvent(deps, ossTriggerEvent([{ bucket: BUCKET, key }]))
    const made = server.requests.slice(before).filter((r) => !(r.op === 'PutObject' && r.key === key))
    expect(new Set(made.map((r) => r.op))).toEqual(new Set(['HeadObject', 'GetObject', 'PutObject', 'DeleteMultipleObjects', 'ListObjectsV2']))
    const refused = made.flatMap(permissionsFor).filter(([action, resource, context]) => !allows(action, resource, context))
    expect(refused).toEqual([])
  })

  it('allows listing the trail and the table, and nothing else in the bucket', () => {
    expect(allows('oss:ListObjects', bucketArn(), { 'oss:Prefix': `${SOURCE_PREFIX}AliyunLogs/Actiontrail/cn-shanghai/2021/02/` })).toBe(true)
    expect(allows('oss:ListObjects', bucketArn(), { 'oss:Prefix': `${DEST_PREFIX}_ccc_trail/manifests/` })).toBe(true)
    expect(allows('oss:ListObjects', bucketArn(), { 'oss:Prefix': 'private/' })).toBe(false)
    expect(allows('oss:ListObjects', bucketArn(), {})).toBe(false)
    expect(allows('oss:ListObjects', bucketArn('another-bucket'), { 'oss:Prefix': DEST_PREFIX })).toBe(false)
  })

  it('reads only archives of the trail, and writes only under the table', () => {
    const archive = `${SOURCE_PREFIX}AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/Actiontrail_cn-shanghai_20210203041500_1002_1_9_ab.gz`
    expect(allows('oss:GetObject', object(archive))).toBe(true)
    expect(allows('oss:GetObject', object(`${SOURCE_PREFIX}AliyunLogs/Actiontrail-Insight/cn-shanghai/x.gz`))).toBe(false)
    expect(allows('oss:GetObject', object('private/secrets.csv'))).toBe(false)
    expect(allows('oss:PutObject', object(archive))).toBe(false)
    expect(allows('oss:DeleteObject', object(archive))).toBe(false)
    expect(allows('oss:PutObject', object(`${DEST_PREFIX}dt=2021-02-03/event_name=ListConfig/part-1.parquet`))).toBe(true)
    expect(allows('oss:DeleteObject', object(`${DEST_PREFIX}_quarantine/x.json`))).toBe(true)
    expect(allows('oss:PutObject', object(`${DEST_PREFIX}x`, 'another-bucket'))).toBe(false)
    expect(allows('oss:DeleteBucket', bucketArn())).toBe(false)
    expect(allows('oss:GetBucketVersioning', bucketArn())).toBe(true)
    expect(allows('oss:PutBucketVersioning', bucketArn())).toBe(false)
  })

  it('lets the functions invoke each other, and no other function', () => {
    const names = Object.values(
      (parse(readFileSync(new URL('../../s.yaml', import.meta.url), 'utf8')) as { resources: Record<string, { props: { functionName: string } }> }).resources,
    ).map((r) => r.props.functionName)
    for (const name of names) expect(allows('fc:InvokeFunction', `acs:fc:${REGION}:${ACCOUNT}:functions/${name}`), name).toBe(true)
    expect(allows('fc:InvokeFunction', `acs:fc:${REGION}:${ACCOUNT}:functions/payroll`)).toBe(false)
    expect(allows('fc:UpdateFunction', `acs:fc:${REGION}:${ACCOUNT}:functions/ccc-trail-backfill`)).toBe(false)
  })

  it('comes with a trust policy that lets only Function Compute assume the role', () => {
    const trust = JSON.parse(readFileSync(new URL('../../deploy/ram-trust-policy.json', import.meta.url), 'utf8')) as {
      Statement: { Action: string; Principal: { Service: string[] } }[]
    }
    expect(trust.Statement).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['fc.aliyuncs.com'] } }])
  })
})
