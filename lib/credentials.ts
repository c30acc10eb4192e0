import { ConfigError } from './errors.js'

export interface Credentials {
  accessKeyId: string
  accessKeySecret: string
  securityToken?: string
}

/**
 * The credentials a client runs with: the FC context's (the function role's STS token, fresh for each
 * invocation) when it carries any, else the standard Alibaba Cloud environment variables.
 * Throws a ConfigError naming the missing one; `service` says who needs it.
 */
export function invocationCredentials(context: { credentials?: Partial<Credentials> } | undefined, env: NodeJS.ProcessEnv, service: string): Credentials {
  const fromContext = context?.credentials
  if (fromContext?.accessKeyId || fromContext?.accessKeySecret) {
    return complete(fromContext, ['context.credentials.accessKeyId', 'context.credentials.accessKeySecret'], service)
  }
  const fromEnv = {
    accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN,
  }
  return complete(fromEnv, ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'], service)
}

function complete(source: Partial<Credentials>, [idName, secretName]: [string, string], service: string): Credentials {
  if (!source.accessKeyId) throw new ConfigError(idName, `not set; ${service} needs an access key id`)
  if (!source.accessKeySecret) throw new ConfigError(secretName, `not set; ${service} needs an access key secret`)
  const credentials: Credentials = { accessKeyId: source.accessKeyId, accessKeySecret: source.accessKeySecret }
  if (source.securityToken) credentials.securityToken = source.securityToken
  return credentials
}
