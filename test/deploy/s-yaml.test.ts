import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadConfig, SETTINGS } from '../../lib/config.js'
import { checkedConfig } from '../../lib/fc/container.js'
import { type Schema, schemaErrors } from '../support/json-schema.js'
import { tempDir } from '../support/temp.js'

/** The deployment description, checked as written and as Serverless Devs renders it (`s preview`, offline). */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const ACCOUNT_ID = '1234567890123456'

interface Trigger {
  triggerName: string
  triggerType: string
  sourceArn?: string
  invocationRole?: string
  triggerConfig: Record<string, unknown>
}
interface Props {
  region: string
  functionName: string
  runtime: string
  handler: string
  code: string
  memorySize: number
  cpu: number
  timeout: number
  role: string
  asyncInvokeConfig?: {
    maxAsyncRetryAttempts?: number
    maxAsyncEventAgeInSeconds?: number
    destinationConfig?: { onFailure?: { destination?: string } }
  }
  environmentVariables: Record<string, unknown>
  triggers: Trigger[]
}
interface Description {
  edition: string
  name: string
  vars: Record<string, string>
  actions?: Record<string, { run: string; path: string }[]>
  resources: Record<string, { component: string; props: Props }>
}

const written = parse(readFileSync(path.join(root, 's.yaml'), 'utf8')) as Description
const functions = () => Object.values(written.resources).map((r) => r.props)
const NAMES = ['ccc-trail-dead-letter', 'ccc-trail-oss-trigger', 'ccc-trail-backfill', 'ccc-trail-compact']
const byName = (d: Description, name: string) => Object.values(d.resources).find((r) => r.props.functionName === name)!.props

/** What `s deploy` would send, rendered by the installed Serverless Devs with a throwaway access in a temp HOME. */
async function renderWithServerlessDevs(): Promise<Description> {
  const s = path.join(root, 'node_modules', '@serverless-devs', 's', 'bin', 's')
  const env = { ...process.env, HOME: await tempDir('s-home') }
  const run = (args: string[]) => execFileSync(process.execPath, [s, ...args], { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  run(['config', 'add', '--AccessKeyID', 'LTAIexampleOnly', '--AccessKeySecret', 'example-only', '--AccountID', ACCOUNT_ID, '-a', 'default', '-f', '--silent'])
  const out = run(['preview', '-o', 'json', '--silent'])
  return JSON.parse(out.slice(out.indexOf('{'))) as Description
}

describe('s.yaml as written', () => {
  it('is a Serverless Devs 3 description of four fc3 functions on Node.js 20, each with its own role', () => {
    expect(written.edition).toBe('3.0.0')
    expect(Object.values(written.resources).map((r) => r.component)).toEqual(['fc3', 'fc3', 'fc3', 'fc3'])
    expect(functions().map((p) => p.functionName)).toEqual(NAMES)
    for (const props of functions()) {
      expect(props).toMatchObject({ runtime: 'nodejs20', code: './.fc-build', region: '${vars.region}' })
      expect(props.timeout).toBeGreaterThan(0)
      expect(props.memorySize % 64).toBe(0)
    }
    expect(functions().map((p) => p.role)).toEqual(['${vars.deadLetterRole}', '${vars.triggerRole}', '${vars.backfillRole}', '${vars.compactRole}'])
    expect(Object.keys(written.vars).filter((name) => name.endsWith('Role'))).toHaveLength(4)
  })

  it('builds the uploaded folder before deploying, with the script that exists', () => {
    expect(written.actions?.['pre-deploy']).toEqual([{ run: 'node deploy/package-fc.mjs', path: './' }])
    expect(existsSync(path.join(root, 'deploy', 'package-fc.mjs'))).toBe(true)
  })

  it('names handlers that the build compiles to dist/functions/<name>.js, loaded as ES modules', () => {
    const build = JSON.parse(readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] }
    const base = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } }
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { type?: string }
    expect(build.include).toContain('functions')
    expect(base.compilerOptions).toMatchObject({ rootDir: '.', outDir: 'dist' })
    expect(pkg.type).toBe('module')
    expect(functions().map((p) => p.handler)).toEqual([
      'dist/functions/dead-letter.handler',
      'dist/functions/oss-trigger.handler',
      'dist/functions/backfill.handler',
      'dist/functions/compact.handler',
    ])
  })

  it.each(['dead-letter', 'oss-trigger', 'backfill', 'compact'])('has functions/%s.ts exporting the handler it names', async (name) => {
    const file = path.join(root, 'functions', `${name}.ts`)
    expect(existsSync(file), `functions/${name}.ts is missing (s.yaml names dist/functions/${name}.handler)`).toBe(true)
    const module = (await import(pathToFileURL(file).href)) as { handler?: unknown }
    expect(typeof module.handler, `functions/${name}.ts must export handler`).toBe('function')
  })

  it('sets only environment variables that lib/config.ts reads, all as strings', () => {
    for (const props of functions()) {
      const env = props.environmentVariables
      expect(
        Object.keys(env).filter((name) => !(name in SETTINGS) && name !== 'NODE_OPTIONS'),
        props.functionName,
      ).toEqual([])
      expect(
        Object.entries(env).filter(([, value]) => typeof value !== 'string'),
        props.functionName,
      ).toEqual([])
      expect(env, props.functionName).toMatchObject({
        DEST_BUCKET: '${vars.destBucket}',
        DEST_PREFIX: '${vars.destPrefix}',
        OSS_REGION: '${vars.region}',
        OSS_INTERNAL: 'true',
      })
    }
    for (const name of ['ccc-trail-oss-trigger', 'ccc-trail-backfill']) {
      expect(byName(written, name).environmentVariables).toMatchObject({ SOURCE_BUCKET: '${vars.bucket}', SOURCE_PREFIX: '${vars.sourcePrefix}' })
    }
    const worker = byName(written, 'ccc-trail-backfill').environmentVariables.WORKER_FUNCTION_NAME
    expect(functions().map((p) => p.functionName)).toContain(worker)
  })

  it('gives the OSS trigger the documented shape: events, sourceArn, invocation role, prefix and suffix filter', () => {
    const [trigger, ...others] = byName(written, 'ccc-trail-oss-trigger').triggers
    expect(others).toEqual([])
    expect(trigger).toMatchObject({
      triggerType: 'oss',
      sourceArn: "acs:oss:${vars.region}:${config('AccountID')}:${vars.bucket}",
      invocationRole: "acs:ram::${config('AccountID')}:role/aliyunosseventnotificationrole",
      triggerConfig: {
        events: ['oss:ObjectCreated:PutObject', 'oss:ObjectCreated:PostObject', 'oss:ObjectCreated:CompleteMultipartUpload'],
        filter: { key: { prefix: '${vars.sourcePrefix}AliyunLogs/Actiontrail/', suffix: '.gz' } },
      },
    })
  })

  it('runs backfill, compaction and the hourly roll-up from timer triggers with six-field cron expressions and JSON payloads', () => {
    const payloads = { 'ccc-trail-backfill': [{}], 'ccc-trail-compact': [{}, { rollup: true }] }
    for (const [name, expected] of Object.entries(payloads)) {
      const triggers = byName(written, name).triggers
      expect(
        triggers.map((t) => t.triggerType),
        name,
      ).toEqual(expected.map(() => 'timer'))
      const configs = triggers.map((t) => t.triggerConfig as { cronExpression: string; enable: boolean; payload: string })
      for (const config of configs) {
        expect(
          config.cronExpression
            .replace(/^CRON_TZ=\S+\s+/, '')
            .trim()
            .split(/\s+/),
          name,
        ).toHaveLength(6)
        expect(config.enable, name).toBe(true)
      }
      expect(
        configs.map((config) => JSON.parse(config.payload)),
        name,
      ).toEqual(expected)
    }
  })
})

describe('s.yaml as Serverless Devs renders it', () => {
  let rendered: Description
  beforeAll(async () => {
    rendered = await renderWithServerlessDevs()
  })

  it('resolves the account, bucket, role and filter', () => {
    const { vars } = rendered
    const props = byName(rendered, 'ccc-trail-oss-trigger')
    expect(props.role).toBe(`acs:ram::${ACCOUNT_ID}:role/ccc-trail-oss-trigger-role`)
    expect(new Set(Object.values(rendered.resources).map((r) => r.props.role)).size, 'one role per function').toBe(4)
    expect(props.triggers[0]).toMatchObject({
      sourceArn: `acs:oss:${vars.region}:${ACCOUNT_ID}:${vars.bucket}`,
      invocationRole: `acs:ram::${ACCOUNT_ID}:role/aliyunosseventnotificationrole`,
      triggerConfig: { filter: { key: { prefix: `${vars.sourcePrefix}AliyunLogs/Actiontrail/`, suffix: '.gz' } } },
    })
    expect(JSON.stringify(rendered.resources)).not.toContain('${')
  })

  it('gives every function an environment that loads as a valid configuration', () => {
    for (const props of Object.values(rendered.resources).map((r) => r.props)) {
      const config = checkedConfig(loadConfig(props.environmentVariables as Record<string, string>))
      expect(config.dest, props.functionName).toEqual({ kind: 'oss', bucket: rendered.vars.destBucket, prefix: rendered.vars.destPrefix })
      expect(config.oss, props.functionName).toEqual({ region: rendered.vars.region, endpoint: undefined, internal: true })
    }
    const trigger = loadConfig(byName(rendered, 'ccc-trail-oss-trigger').environmentVariables as Record<string, string>)
    expect(trigger.source).toEqual({ kind: 'oss', bucket: rendered.vars.bucket, prefix: rendered.vars.sourcePrefix })
  })

  it('cannot trigger on its own output: the table prefix lies outside the trigger filter', () => {
    const { vars } = rendered
    const filter = byName(rendered, 'ccc-trail-oss-trigger').triggers[0]!.triggerConfig as { filter: { key: { prefix: string } } }
    // The default deploys the table into the trail's own bucket: the case where a loop is possible.
    expect(vars.destBucket).toBe(vars.bucket)
    const prefix = filter.filter.key.prefix
    expect(vars.destPrefix.startsWith(prefix) || prefix.startsWith(vars.destPrefix), `table ${vars.destPrefix} vs filter ${prefix}`).toBe(false)
  })
})

describe('s.yaml against the fc3 component schema (test/deploy/fc3-schema.json)', () => {
  let rendered: Description
  beforeAll(async () => {
    rendered = await renderWithServerlessDevs()
  })
  // src/schema.json of github.com/devsapp/fc3 at 4ca1c1b8c33e654438bb73b64cfc95a5c9d94f5a (2026-05-28), unchanged.
  const schema = JSON.parse(readFileSync(path.join(root, 'test/deploy/fc3-schema.json'), 'utf8')) as Schema

  it('gives every function props that the schema accepts, field by field, naming no field it does not know', () => {
    for (const { props } of Object.values(rendered.resources)) expect(schemaErrors(props, schema), props.functionName).toEqual([])
  })

  it('the checker itself refuses what fc3 refuses', () => {
    const trigger = byName(rendered, 'ccc-trail-oss-trigger')
    expect(schemaErrors({ ...trigger, diskSize: 1024 }, schema).join()).toContain('diskSize')
    expect(schemaErrors({ ...trigger, cpu: 32 }, schema).join()).toContain('maximum')
    expect(schemaErrors({ ...trigger, asyncInvokeConfig: { maxAsyncRetryAttempts: 9 } }, schema).join()).toContain('maxAsyncRetryAttempts')
    expect(schemaErrors({ ...trigger, asyncInvokeConfig: { onFailure: {} } }, schema).join()).toContain('onFailure is not a field')
  })

  it("sets cpu for every function within FC's 1:1 to 1:4 vCPU:memory (GB) ratio, in steps of 0.05 vCPU", () => {
    for (const props of functions()) {
      const gbPerVcpu = props.memorySize / 1024 / props.cpu
      expect(gbPerVcpu, props.functionName).toBeGreaterThanOrEqual(1)
      expect(gbPerVcpu, props.functionName).toBeLessThanOrEqual(4)
      expect(Math.abs(props.cpu * 20 - Math.round(props.cpu * 20)), props.functionName).toBeLessThan(1e-9)
    }
  })

  it('bounds the retries and event age of the trigger and the worker, and sends what still fails to the dead-letter function', () => {
    const deadLetter = `acs:fc:${rendered.vars.region}:${ACCOUNT_ID}:functions/ccc-trail-dead-letter`
    const worker = byName(written, 'ccc-trail-backfill').environmentVariables.WORKER_FUNCTION_NAME
    for (const name of ['ccc-trail-oss-trigger', worker as string]) {
      const props = byName(rendered, name)
      const config = props.asyncInvokeConfig
      expect(config?.destinationConfig?.onFailure?.destination, name).toBe(deadLetter)
      // Fewer than FC's default 3 retries and 24 h, and room for every retry to run to its timeout.
      expect(config?.maxAsyncRetryAttempts, name).toBeLessThan(3)
      const age = config?.maxAsyncEventAgeInSeconds ?? Infinity
      expect(age, name).toBeLessThan(86_400)
      expect(age, name).toBeGreaterThanOrEqual(props.timeout * ((config?.maxAsyncRetryAttempts ?? 3) + 1))
    }
    expect(byName(rendered, 'ccc-trail-dead-letter')).toMatchObject({ handler: 'dist/functions/dead-letter.handler' })
    expect(byName(rendered, 'ccc-trail-dead-letter').triggers, 'FC invokes it, nothing else').toBeUndefined()
    const order = Object.values(rendered.resources).map((r) => r.props.functionName)
    expect(order[0], 'the destination is deployed before the functions that name it').toBe('ccc-trail-dead-letter')
  })
})

describe('s.yaml against the fc3 schema for the nodejs20 runtime (DESIGN.md §8)', () => {
  const text = readFileSync(path.join(root, 's.yaml'), 'utf8')
  const props = () => Object.values(written.resources).map((r) => r.props as unknown as Record<string, unknown>)

  it('sets no field that fc3 rejects or drops for a standard runtime', () => {
    // Standard runtimes run one request per instance: fc3's schema accepts instanceConcurrency (1-200) for any runtime,
    // but it has no effect on nodejs20; the other fields are for custom runtimes and containers.
    const forCustomRuntimesOnly = ['instanceConcurrency', 'customRuntimeConfig', 'customContainerConfig', 'caPort']
    for (const p of props()) {
      expect(p.runtime).toBe('nodejs20')
      expect(
        Object.keys(p).filter((key) => forCustomRuntimesOnly.includes(key)),
        String(p.functionName),
      ).toEqual([])
      expect([undefined, 512, 10240], `${String(p.functionName)} diskSize`).toContain(p.diskSize)
    }
    expect(text, 'the comment keeps the one-request-per-instance note').toMatch(/one request per instance/)
  })

  it('gives an ActionTrail prefix example that ActionTrail accepts (6-32 characters, starting with a letter)', () => {
    const examples = [...text.matchAll(/e\.g\. '([^']*)'/g)].map((m) => m[1]!)
    expect(examples).toContain('actiontrail/')
    for (const example of examples.filter((e) => e.endsWith('/') && !e.includes('parquet')))
      expect(example.slice(0, -1)).toMatch(/^[A-Za-z][A-Za-z0-9_-]{5,31}$/)
  })

  it('writes --invocation-type only as Sync or Async (fc3 is case-sensitive) wherever the docs use it', () => {
    const docs = ['README.md', 'docs/deploy.md', 'docs/operations.md']
      .filter((f) => existsSync(path.join(root, f)))
      .map((f) => readFileSync(path.join(root, f), 'utf8'))
    const values = [text, ...docs].flatMap((t) => [...t.matchAll(/--invocation-type[ =](\S+)/g)].map((m) => m[1]!.replace(/[`'",.)]+$/, '')))
    expect(values.length, 'the deploy guide shows an asynchronous invocation').toBeGreaterThan(0)
    expect(values.filter((v) => !['Sync', 'Async'].includes(v))).toEqual([])
  })
})
