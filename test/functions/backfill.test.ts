import { afterEach, describe, expect, it, vi } from 'vitest'
import { handler } from '../../functions/backfill.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { ConfigError } from '../../lib/errors.js'
import type { FcContext } from '../../lib/fc/context.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { tableShape } from '../support/table-shape.js'
import { tempDir } from '../support/temp.js'

const context: FcContext = {
  requestId: 'req-1',
  region: 'cn-shanghai',
  accountId: '1234567890',
  function: { name: 'ccc-trail-backfill', timeout: 600, memory: 1024 },
}
const timer = (payload: object) =>
  Buffer.from(JSON.stringify({ triggerTime: '2021-02-03T08:00:00Z', triggerName: 'catch-up', payload: JSON.stringify(payload) }))

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

describe('functions/backfill handler', () => {
  it('fails at start-up on a configuration error, naming the setting', async () => {
    vi.stubEnv('DEST', '')
    vi.stubEnv('DEST_BUCKET', '')
    vi.stubEnv('SOURCE', '')
    vi.stubEnv('SOURCE_BUCKET', '')
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    await expect(handler(timer({}), context)).rejects.toThrow(ConfigError)
  })

  it('runs the timer payload window inline and answers a bad payload without throwing', async () => {
    const bucket = await tempDir('ccc-bucket')
    const lake = await tempDir('ccc-lake')
    const corpus = await generateCorpus(new FsStorage(bucket), { startDate: '2021-02-01', days: 3, archivesPerDay: 6, eventsPerArchive: 5, seed: 3 })
    vi.stubEnv('SOURCE', bucket)
    vi.stubEnv('DEST', lake)
    const lines: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true))

    const result = await handler(timer({ from: '2021-02-01', to: '2021-02-03' }), context)
    expect(result).toMatchObject({ status: 'done', mode: 'inline', listed: 18, pending: 18, stats: { written: 18, rows: corpus.cccEvents } })
    expect((await tableShape(lake)).rows).toBe(corpus.cccEvents)

    const bad = await handler(timer({ from: '2021-02-03', to: '2021-02-01' }), context)
    expect(bad).toMatchObject({ status: 'invalid', error: 'from (2021-02-03) is after to (2021-02-01)' })
    const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.reason === 'invalid_payload')
    expect(logged).toMatchObject({ level: 'error', requestId: 'req-1', function: 'ccc-trail-backfill' })
  })
})
