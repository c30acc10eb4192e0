import { classifyKey } from '../source/archive-key.js'

/**
 * The key a notification refers to. FC's OSS trigger delivers keys verbatim (the FC documentation's
 * sample event and Alibaba's own trigger samples pass `oss.object.key` straight to GetObject), whereas S3
 * and OBS notifications URL-encode keys. ActionTrail file and folder names never contain `%`, so a
 * `%XX` escape can only come from a user-chosen prefix: the decoded form is used only when it is the
 * better match (an archive under the source prefix) and the literal key is not.
 */
export function resolveObjectKey(raw: string, sourcePrefix: string): { key: string; decoded: boolean } {
  const decoded = percentDecoded(raw)
  if (decoded === undefined || score(decoded, sourcePrefix) <= score(raw, sourcePrefix)) return { key: raw, decoded: false }
  return { key: decoded, decoded: true }
}

function score(key: string, sourcePrefix: string): number {
  return (key.startsWith(sourcePrefix) ? 2 : 0) + (classifyKey(key).kind === 'archive' ? 1 : 0)
}

/** `%XX` escapes decoded (`+` stays `+`: OSS keys may contain it); undefined when there are none or they are malformed. */
function percentDecoded(raw: string): string | undefined {
  if (!/%[0-9A-Fa-f]{2}/.test(raw)) return undefined
  try {
    const decoded = decodeURIComponent(raw)
    return decoded === raw ? undefined : decoded
  } catch {
    return undefined
  }
}
