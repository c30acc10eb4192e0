/**
 * Which events need decoding and JSON.parse at all. An event is CCC (see ccc-filter.ts) only if its
 * serviceName is CloudCallCenter or an extra service, its eventSource starts with `ccc.`, or its
 * requestParameters.AcsProduct is `CCC`; each of those values appears verbatim in the event's bytes
 * unless JSON escapes spell it differently. Letters and dots can only be escaped as `\uXXXX`, so an
 * object with none of the markers and no `\u` cannot be a CCC event, whatever else it holds.
 * Most of a trail is other services' events: they are counted without being decoded or parsed.
 */
import type { ByteFilter } from '../decode/splitter.js'

const CCC_MARKERS = ['CloudCallCenter', '"ccc.', 'CCC', '\\u']

/**
 * The CCC pre-filter for a stream of elements: `true` when the element in `bytes[start, end)` may be
 * a CCC event, `false` when it certainly is not. Elements that do not start with `{` always pass, so
 * that non-objects keep their own verdict. Calls with the same buffer must move forward (as the
 * splitter's do): the next position of each marker is kept per buffer, so each marker search
 * covers a chunk once rather than once per element.
 */
export function cccByteFilter(extraServices: ReadonlySet<string> = new Set()): ByteFilter {
  const texts = [...CCC_MARKERS]
  for (const name of extraServices) {
    // A name JSON may spell other than by \u ("\/", "\"", "\\", control characters) could hide: keep everything.
    if (name === '' || /["\\/\u0000-\u001f\ufffd]/.test(name)) return () => true
    texts.push(name)
  }
  const markers = texts.map((text) => Buffer.from(text, 'utf8'))
  const next = new Array<number>(markers.length).fill(-1)
  let current: Buffer | undefined
  return (bytes, start, end) => {
    if (bytes[start] !== 0x7b) return true
    if (bytes !== current) {
      current = bytes
      next.fill(-1)
    }
    for (let m = 0; m < markers.length; m++) {
      let at = next[m]
      if (at < start) {
        at = bytes.indexOf(markers[m], start)
        if (at < 0) at = Infinity
        next[m] = at
      }
      if (at + markers[m].length <= end) return true
    }
    return false
  }
}
