import { describe, expect, it } from 'vitest'
import { invocationCredentials } from '../lib/credentials.js'
import { ConfigError } from '../lib/errors.js'

const credentials = (context: Parameters<typeof invocationCredentials>[0], env: NodeJS.ProcessEnv) => invocationCredentials(context, env, 'OSS')

describe('invocationCredentials', () => {
  const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'env-id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'env-secret', ALIBABA_CLOUD_SECURITY_TOKEN: 'env-token' }

  it('prefers the FC context credentials', () => {
    const context = { credentials: { accessKeyId: 'fc-id', accessKeySecret: 'fc-secret', securityToken: 'fc-token' } }
    expect(credentials(context, env)).toEqual({ accessKeyId: 'fc-id', accessKeySecret: 'fc-secret', securityToken: 'fc-token' })
  })

  it('falls back to the standard environment variables', () => {
    expect(credentials(undefined, env)).toEqual({ accessKeyId: 'env-id', accessKeySecret: 'env-secret', securityToken: 'env-token' })
    expect(credentials({}, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'i', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's' })).toEqual({ accessKeyId: 'i', accessKeySecret: 's' })
  })

  it('names the missing variable in a ConfigError', () => {
    expect(() => credentials(undefined, {})).toThrow(ConfigError)
    expect(() => credentials(undefined, {})).toThrow(/ALIBABA_CLOUD_ACCESS_KEY_ID/)
    expect(() => credentials(undefined, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'i' })).toThrow(/ALIBABA_CLOUD_ACCESS_KEY_SECRET/)
    expect(() => credentials({ credentials: { accessKeyId: 'i' } }, env)).toThrow(/context\.credentials\.accessKeySecret/)
  })
})
