import type { LocationSpec } from '../location.js'
import type { Logger } from '../log.js'
import { FsStorage } from './fs.js'
import { createOssStorage, type OssCredentials, type OssEndpoint } from './oss.js'
import type { Storage } from './types.js'

export interface Location {
  storage: Storage
  /** Key prefix inside the storage: empty or ending with `/`. */
  prefix: string
  spec: LocationSpec
}

/**
 * Opens locations, one storage per bucket or folder, so that source and destination in the same
 * bucket share a client. `oss` says how to reach OSS (region, endpoint, internal) for every bucket;
 * credentials come from the FC context or the standard environment; `log` receives what a driver
 * reports beside its errors (an upload it could not abort).
 */
export function locationOpener(
  oss: OssEndpoint,
  context?: { credentials?: Partial<OssCredentials> },
  env: NodeJS.ProcessEnv = process.env,
  log?: Logger,
): (spec: LocationSpec) => Location {
  const opened = new Map<string, Storage>()
  return (spec) => {
    const id = spec.kind === 'oss' ? `oss:${spec.bucket}` : `fs:${spec.root}`
    let storage = opened.get(id)
    if (!storage) {
      storage = spec.kind === 'fs' ? new FsStorage(spec.root) : createOssStorage({ bucket: spec.bucket, ...oss, log }, context, env)
      opened.set(id, storage)
    }
    return { storage, prefix: spec.prefix, spec }
  }
}
