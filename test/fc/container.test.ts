import { getHeapStatistics } from 'node:v8'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../lib/config.js'
import { ConfigError } from '../../lib/errors.js'
import { checkedConfig, fcContainer } from '../../lib/fc/container.js'

const SECRET = 'container-secret-71Hq'
const TOKEN = 'container-sts-token-Zp4'
const credentials = (id: string, token = TOKEN) => ({ accessKeyId: id, accessKeySecret: SECRET, securityToken: token })

describe('fcContainer', () => {
  it('reads the configuration once per container', () => {
    const env: NodeJS.ProcessEnv = { SOURCE_BUCKET: 'trail-bucket', DEST_PREFIX: 'tables/ccc/' }
    const deps = fcContainer(env, () => {})
    expect(deps({ requestId: 'r1' }).config.dest).toEqual({ kind: 'oss', bucket: 'trail-bucket', prefix: 'tables/ccc/' })
    env.DEST_PREFIX = 'changed/'
    expect(deps({ requestId: 'r2' }).config.dest.prefix).toBe('tables/ccc/')
  })

  it('reuses OSS clients while the credentials stay the same and rebuilds them when FC rotates them', () => {
    const deps = fcContainer({ SOURCE_BUCKET: 'trail-bucket', OSS_REGION: 'cn-shanghai' }, () => {})
    const first = deps({ requestId: 'r1', credentials: credentials('id-1') })
    const again = deps({ requestId: 'r2', credentials: credentials('id-1') })
    const spec = first.config.dest
    expect(again.open).toBe(first.open)
    expect(again.open(spec).storage).toBe(first.open(spec).storage)
    const rotated = deps({ requestId: 'r3', credentials: credentials('id-1', 'next-token-aa') })
    expect(rotated.open).not.toBe(first.open)
    expect(rotated.open(spec).storage).not.toBe(first.open(spec).storage)
  })

  it('logs JSON lines that carry the request id and function name, and never the credentials', () => {
    const lines: string[] = []
    const deps = fcContainer({ SOURCE_BUCKET: 'trail-bucket' }, (line) => lines.push(line))
    const context = { requestId: 'req-42', credentials: credentials('id-1'), function: { name: 'ccc-trail-oss-trigger' } }
    deps(context).log.info('hello', { context })
    const line = JSON.parse(lines.at(-1)!)
    expect(line).toMatchObject({ level: 'info', message: 'hello', requestId: 'req-42', function: 'ccc-trail-oss-trigger' })
    expect(lines.join('\n')).not.toContain(SECRET)
    expect(lines.join('\n')).not.toContain(TOKEN)
  })

  it('logs the V8 heap limit once per instance, at its first invocation', () => {
    const lines: string[] = []
    const deps = fcContainer({ SOURCE_BUCKET: 'trail-bucket', NODE_OPTIONS: '--max-old-space-size=192' }, (line) => lines.push(line))
    deps({ requestId: 'r1', function: { name: 'ccc-trail-oss-trigger', memory: 1024 } })
    deps({ requestId: 'r2', function: { name: 'ccc-trail-oss-trigger', memory: 1024 } })
    const coldStarts = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.message === 'cold start')
    expect(coldStarts).toEqual([
      expect.objectContaining({
        level: 'info',
        requestId: 'r1',
        heap_size_limit: getHeapStatistics().heap_size_limit,
        heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1048576),
        nodeOptions: '--max-old-space-size=192',
        memoryMb: 1024,
      }),
    ])
  })

  it('fails fast on a configuration error, with a log line naming the setting', () => {
    const lines: string[] = []
    const deps = fcContainer({ SOURCE_BUCKET: 'trail-bucket', PARTITION_TIME_ZONE: 'Mars/Olympus' }, (line) => lines.push(line))
    expect(() => deps({ requestId: 'r1' })).toThrow(ConfigError)
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'error',
      requestId: 'r1',
      setting: 'PARTITION_TIME_ZONE',
      message: expect.stringContaining('configuration error: PARTITION_TIME_ZONE'),
    })
    expect(() => fcContainer({}, () => {})({ requestId: 'r2' })).toThrow(/^DEST: is not set/)
  })
})

describe('checkedConfig', () => {
  it('refuses a table that would be the whole source bucket', () => {
    expect(() => checkedConfig(loadConfig({ SOURCE_BUCKET: 'bkt', DEST: 'oss://bkt' }))).toThrow(
      /^DEST_PREFIX: is empty while the table is written into the source bucket "bkt"/,
    )
    expect(checkedConfig(loadConfig({ SOURCE_BUCKET: 'bkt', DEST: 'oss://other' })).dest).toMatchObject({ bucket: 'other', prefix: '' })
    expect(checkedConfig(loadConfig({ SOURCE_BUCKET: 'bkt' })).dest.prefix).toBe('ccc-parquet/ccc_events/')
  })
})
