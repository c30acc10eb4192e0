import path from 'node:path'
import type { Config } from '../config.js'
import type { LocationSpec } from '../location.js'
import { resolveObjectKey } from './object-key.js'
import { isObjectCreated, type OssObjectEvent } from './oss-event.js'

export type IgnoreReason = 'not_object_created' | 'under_destination'
export type RefuseReason = 'bucket_not_configured' | 'outside_source_prefix'

/** What to do with one notified object, decided from configuration alone (no I/O). */
export type Route =
  | { action: 'process'; key: string; source: LocationSpec; decodedKey: boolean }
  | { action: 'ignore'; key: string; reason: IgnoreReason; detail: string }
  | { action: 'refuse'; key: string; reason: RefuseReason; detail: string }

/**
 * Routes a notified object: only created objects are read; objects under the table's own prefix are
 * ignored (a trigger must never feed on its output); objects outside the configured source bucket and
 * prefix are refused, since the function's role should not be steered into reading them.
 * The source is the event's bucket, or the configured folder for local runs (`SOURCE=/folder`).
 */
export function routeObject(config: Config, event: OssObjectEvent): Route {
  const configured = config.source
  const source: LocationSpec =
    configured?.kind === 'fs' ? configured : { kind: 'oss', bucket: event.bucket, prefix: configured?.bucket === event.bucket ? configured.prefix : '' }
  const { key, decoded } = resolveObjectKey(event.key, source.prefix)
  if (!isObjectCreated(event))
    return { action: 'ignore', key, reason: 'not_object_created', detail: `${event.eventName || 'an unnamed event'} does not create an object` }
  if (underDestination(source, key, config.dest)) {
    return { action: 'ignore', key, reason: 'under_destination', detail: 'the object lies under the table prefix (the function never reads its own output)' }
  }
  if (configured?.kind === 'oss' && configured.bucket !== event.bucket) {
    return {
      action: 'refuse',
      key,
      reason: 'bucket_not_configured',
      detail: `bucket "${event.bucket}" is not the configured source bucket "${configured.bucket}"`,
    }
  }
  if (!key.startsWith(source.prefix)) {
    return { action: 'refuse', key, reason: 'outside_source_prefix', detail: `the key is outside SOURCE_PREFIX "${source.prefix}"` }
  }
  return { action: 'process', key, source, decodedKey: decoded }
}

function underDestination(source: LocationSpec, key: string, dest: LocationSpec): boolean {
  if (source.kind === 'oss' && dest.kind === 'oss') return source.bucket === dest.bucket && key.startsWith(dest.prefix)
  if (source.kind === 'fs' && dest.kind === 'fs') {
    const file = path.resolve(source.root, key)
    const table = path.resolve(dest.root, dest.prefix)
    return file === table || file.startsWith(table + path.sep)
  }
  return false
}
