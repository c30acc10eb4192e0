import { createHash } from 'node:crypto'
import { partitionPath } from './write/partition.js'

/**
 * Key layout under the destination prefix. Names starting with `_` are not data: engines skip them.
 *   dt=<d>/event_name=<n>/part-<sourceId>.parquet          one file per archive and partition
 *   _ccc_trail/manifests/<source key>@<etag>.json           what an archive wrote (the commit record)
 *   _ccc_trail/checkpoints/<name>.json                      backfill progress
 *   _quarantine/<source key>@<etag>.json                    what could not be read, with reasons
 *   _catalog/ccc_api_catalog.parquet                        the API name dimension table
 */
export const META_DIR = '_ccc_trail/'
export const MANIFEST_DIR = `${META_DIR}manifests/`
export const CHECKPOINT_DIR = `${META_DIR}checkpoints/`
export const QUARANTINE_DIR = '_quarantine/'
export const CATALOG_KEY = '_catalog/ccc_api_catalog.parquet'

/** Stable id of a source object: the same archive always writes the same file names. */
export function sourceId(sourceKey: string): string {
  return createHash('sha1').update(sourceKey).digest('hex').slice(0, 16)
}

export function outputKey(destPrefix: string, dt: string, eventName: string | null, sourceKey: string): string {
  return `${destPrefix}${partitionPath(dt, eventName)}part-${sourceId(sourceKey)}.parquet`
}

export function manifestKey(destPrefix: string, sourceKey: string, etag: string): string {
  return `${manifestPrefix(destPrefix, sourceKey)}${etag}.json`
}

/** All manifests of one source key (any etag) share this prefix. */
export function manifestPrefix(destPrefix: string, sourceKey: string): string {
  return `${destPrefix}${MANIFEST_DIR}${sourceKey}@`
}

export function quarantineKey(destPrefix: string, sourceKey: string, etag: string): string {
  return `${destPrefix}${QUARANTINE_DIR}${sourceKey}@${etag}.json`
}

/** Splits a manifest or quarantine key back into source key and etag. */
export function parseRecordKey(key: string, dirPrefix: string): { sourceKey: string; etag: string } | undefined {
  if (!key.startsWith(dirPrefix) || !key.endsWith('.json')) return undefined
  const rest = key.slice(dirPrefix.length, -'.json'.length)
  const at = rest.lastIndexOf('@')
  return at > 0 ? { sourceKey: rest.slice(0, at), etag: rest.slice(at + 1) } : undefined
}
