import { manifestKey, manifestPrefix } from '../layout.js'
import { listObjects } from '../storage/list.js'
import { readJson } from '../storage/read.js'
import type { Storage } from '../storage/types.js'

export interface Counts {
  /** Events in the archive (for a quarantined archive: the count its key claims). */
  events: number
  rows: number
  nonCcc: number
  quarantined: number
}

export interface OutputFile {
  key: string
  dt: string
  eventName: string | null
  rows: number
  bytes: number
}

/** The commit record of one processed archive version. Written last; its presence means done. */
export interface Manifest {
  version: 1
  source: string
  etag: string
  size: number
  status: 'written' | 'quarantined'
  processedAt: string
  counts: Counts
  outputs: OutputFile[]
  quarantine?: string
}

export async function findManifests(dest: Storage, destPrefix: string, sourceKey: string): Promise<{ key: string; etag: string }[]> {
  const prefix = manifestPrefix(destPrefix, sourceKey)
  const found: { key: string; etag: string }[] = []
  for await (const info of listObjects(dest, prefix)) {
    const etag = info.key.slice(prefix.length, -'.json'.length)
    if (info.key.endsWith('.json') && !etag.includes('/')) found.push({ key: info.key, etag })
  }
  return found
}

export async function writeManifest(dest: Storage, destPrefix: string, manifest: Manifest): Promise<string> {
  const key = manifestKey(destPrefix, manifest.source, manifest.etag)
  await dest.put(key, JSON.stringify(manifest, null, 1))
  return key
}

export function readManifest(dest: Storage, key: string): Promise<Manifest> {
  return readJson<Manifest>(dest, key)
}
