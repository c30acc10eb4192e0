import { parseExactJson } from './exact-json.js'

/**
 * One event's JSON text to a value. Most events take JSON.parse; only those the splitter saw a
 * long number literal in (`longNumbers`, counted in its scan of the bytes outside strings, the one
 * pre-check) take the slower exact parser. Unknown (`undefined`) is read exactly, to be safe.
 */
export function parseEvent(text: string, longNumbers: boolean | undefined): unknown {
  return longNumbers === false ? JSON.parse(text) : parseExactJson(text)
}
