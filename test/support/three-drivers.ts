import { afterAll, beforeAll } from 'vitest'
import { FsStorage } from '../../lib/storage/fs.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import { OssStorage } from '../../lib/storage/oss.js'
import type { Storage } from '../../lib/storage/types.js'
import { type OssServer, startOssServer } from './oss-server.js'
import { tempDir } from './temp.js'

const credentials = { accessKeyId: 'LTAI5tThreeDriversKey', accessKeySecret: 'three-drivers-secret-4Kp' }

export interface DriverCase {
  name: 'memory' | 'folder' | 'oss'
  /** An empty storage of this kind (on OSS: a fresh bucket of the test server, through ali-oss). */
  make(): Promise<Storage>
}

/**
 * Memory, a folder, and OSS through ali-oss against the OSS-protocol test server (started for the
 * calling test file): for behaviour that must hold on every driver, e.g. `describe.each(threeDrivers())`.
 */
export function threeDrivers(): DriverCase[] {
  let server: OssServer | undefined
  let buckets = 0
  beforeAll(async () => {
    server = await startOssServer(credentials)
  })
  afterAll(() => server?.close())
  return [
    { name: 'memory', make: async () => new MemoryStorage() },
    { name: 'folder', make: async () => new FsStorage(await tempDir('ccc-drivers')) },
    {
      name: 'oss',
      make: async () => {
        const bucket = `drivers-${++buckets}`
        server!.bucket(bucket)
        return new OssStorage({ bucket, endpoint: server!.endpoint, ...credentials, retryBaseMs: 5, timeoutMs: 5_000 })
      },
    },
  ]
}
