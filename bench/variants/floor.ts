import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { isCccEvent } from '../../lib/normalize/ccc-filter.js'
import type { Event } from '../../lib/schema/columns.js'
import { archiveFiles } from '../paths.js'
import type { VariantInput, VariantOutput } from './types.js'

/**
 * The floor: gunzip and JSON.parse every archive on one thread, nothing else — plus a tally of
 * CCC events (a property test per parsed event) so the counts can be checked against the others.
 */
export async function run({ source }: VariantInput): Promise<VariantOutput> {
  let cccEvents = 0
  for (const file of archiveFiles(source)) {
    const events = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Event[]
    for (const event of events) if (isCccEvent(event)) cccEvents++
  }
  return { cccEvents }
}
