import { NEEDS_EXACT_PARSE } from './exact-number.js'
import { parseExactJson } from './exact-json.js'

/**
 * One event's JSON text to a value. Most events take JSON.parse; only text that may hold a number
 * a double would change (NEEDS_EXACT_PARSE, the one pre-check) takes the slower exact parser.
 */
export function parseEvent(text: string): unknown {
  return NEEDS_EXACT_PARSE.test(text) ? parseExactJson(text) : JSON.parse(text)
}
