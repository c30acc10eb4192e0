/**
 * The parts of the FC 3.0 Node.js invocation context this project reads. The runtime passes more;
 * there is no `context.functionName` (the name is `context.function.name`).
 */
export interface FcCredentials {
  accessKeyId: string
  accessKeySecret: string
  securityToken?: string
}

export interface FcContext {
  requestId: string
  region?: string
  accountId?: string
  /** The function role's STS credentials, fresh for each invocation. */
  credentials?: Partial<FcCredentials>
  function?: { name?: string; handler?: string; memory?: number; timeout?: number }
}

/** Log fields that identify an invocation in FC logs and SLS, without anything secret. */
export function invocationFields(context: FcContext): Record<string, string> {
  const fields: Record<string, string> = { requestId: context.requestId }
  if (context.function?.name) fields.function = context.function.name
  return fields
}
