import type { Location } from '../../lib/storage/open.js'
import { OssStorage } from '../../lib/storage/oss.js'
import type { Storage } from '../../lib/storage/types.js'
import { type OssServer, startOssServer } from './oss-server.js'

/** What the tests' OSS-protocol servers for tables accept, and what their clients (and CLIs) sign with. */
export const LAKE_CREDENTIALS = { accessKeyId: 'LTAI5tLakeTestKey', accessKeySecret: 'lake-secret-8Rm3' }

/** An OSS-protocol test server that accepts LAKE_CREDENTIALS, with the bucket `lake`. */
export async function startLakeServer(): Promise<OssServer> {
  const server = await startOssServer(LAKE_CREDENTIALS)
  server.bucket('lake')
  return server
}

/** The real ali-oss client of `bucket` on `server`, quick to retry as tests want it. */
export function lakeStorage(server: OssServer, options: { bucket?: string; timeoutMs?: number } = {}): OssStorage {
  const { bucket = 'lake', timeoutMs = 5_000 } = options
  return new OssStorage({ bucket, endpoint: server.endpoint, ...LAKE_CREDENTIALS, retryBaseMs: 5, timeoutMs })
}

/** Where a reader finds a table under `prefix` of `bucket`, reached through `storage` (the client, or a wrapper of it). */
export function ossLocation(storage: Storage, prefix = '', bucket = 'lake'): Location {
  return { storage, prefix, spec: { kind: 'oss', bucket, prefix } }
}
