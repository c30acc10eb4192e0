/**
 * Which events need JSON.parse at all. An event is CCC (see ccc-filter.ts) only if its serviceName
 * is CloudCallCenter or an extra service, its eventSource starts with `ccc.`, or its
 * requestParameters.AcsProduct is `CCC`; each of those values appears verbatim in the event's text
 * unless JSON escapes spell it differently. Letters and dots can only be escaped as `\uXXXX`, so
 * text with none of the markers and no `\u` cannot be a CCC event, whatever else it holds.
 * Most of a trail is other services' events: they are counted without being parsed.
 */
export type TextFilter = (text: string) => boolean

const CCC_MARKERS = ['CloudCallCenter', '"ccc.', 'CCC']

/**
 * `true` when the event text may be a CCC event (parse it), `false` when it certainly is not.
 * Text that does not start with `{` is always parsed, so that non-objects keep their own verdict.
 */
export function cccTextFilter(extraServices: ReadonlySet<string> = new Set()): TextFilter {
  const markers = [...CCC_MARKERS]
  for (const name of extraServices) {
    // A name JSON may escape other than by \u ("\/", "\"", "\\", control characters) could hide: parse everything.
    if (name === '' || /["\\/\u0000-\u001f]/.test(name)) return () => true
    markers.push(name)
  }
  return (text) => {
    if (text.charCodeAt(0) !== 0x7b) return true
    for (const marker of markers) if (text.includes(marker)) return true
    return text.includes('\\u')
  }
}
