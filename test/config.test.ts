import { describe, expect, it } from 'vitest'
import { DEFAULT_DEST_PREFIX, loadConfig } from '../lib/config.js'
import { ConfigError } from '../lib/errors.js'

describe('loadConfig', () => {
  it('defaults the destination to the source bucket under ccc-parquet/ccc_events/', () => {
    const config = loadConfig({ SOURCE_BUCKET: 'trail-bucket', SOURCE_PREFIX: 'team/' })
    expect(config.source).toEqual({ kind: 'oss', bucket: 'trail-bucket', prefix: 'team/' })
    expect(config.dest).toEqual({ kind: 'oss', bucket: 'trail-bucket', prefix: DEFAULT_DEST_PREFIX })
    expect(config).toMatchObject({ timeZone: 'UTC', verifyEventCount: true, memoryLimitBytes: 256 * 1024 * 1024, fanoutBatchSize: 288 })
  })

  it('lets overrides (CLI flags) win over the environment', () => {
    const config = loadConfig({ DEST: 'oss://a/x', PARTITION_TIME_ZONE: 'UTC' }, { DEST: '/tmp/lake', PARTITION_TIME_ZONE: 'Asia/Shanghai' })
    expect(config.dest).toMatchObject({ kind: 'fs', root: '/tmp/lake' })
    expect(config.timeZone).toBe('Asia/Shanghai')
  })

  it.each([
    [{}, 'DEST'],
    [{ DEST: 'oss://Bad_Bucket' }, 'DEST'],
    [{ DEST: 's3://bucket/x' }, 'DEST'],
    [{ DEST: '/x', PARTITION_TIME_ZONE: 'Mars/Olympus' }, 'PARTITION_TIME_ZONE'],
    [{ DEST: '/x', MEMORY_LIMIT_MB: 'lots' }, 'MEMORY_LIMIT_MB'],
    [{ DEST: '/x', VERIFY_EVENT_COUNT: 'maybe' }, 'VERIFY_EVENT_COUNT'],
    [{ DEST: '/x', LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('fails fast naming the setting: %j', (env, setting) => {
    try {
      loadConfig(env)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).setting).toBe(setting)
      expect((error as Error).message).toContain(setting)
    }
  })
})
