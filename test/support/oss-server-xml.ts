const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

/** `<Name>value</Name>` for every defined field, in insertion order. */
export function elements(fields: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join('')
}

export interface OssErrorBody {
  code: string
  message: string
  /** Extra elements real OSS adds for some codes (Key, BucketName, StringToSign, ...). */
  extra?: Record<string, string>
}

export function errorDocument(error: OssErrorBody, requestId: string, hostId: string): string {
  const fields = { Code: error.code, Message: error.message, RequestId: requestId, HostId: hostId, ...error.extra }
  return `${XML_DECLARATION}<Error>${elements(fields)}</Error>`
}
