import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FsStorage } from '../../lib/storage/fs.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import { storageContract } from './contract.js'

storageContract('memory', async () => new MemoryStorage())
storageContract('fs', async () => new FsStorage(await mkdtemp(path.join(tmpdir(), 'ccc-fs-'))))

describe('fs storage', () => {
  it('refuses keys that escape the root', async () => {
    const storage = new FsStorage(await mkdtemp(path.join(tmpdir(), 'ccc-fs-')))
    await expect(storage.put('../outside', 'x')).rejects.toThrow(/outside/)
    await expect(storage.put('/abs', 'x')).rejects.toThrow(/outside/)
  })
})
