import { afterEach, describe, expect, it, vi } from 'vitest'
import { handler } from '../../functions/compact.js'
import { loadConfig } from '../../lib/config.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import type { FcContext } from '../../lib/fc/context.js'
import { handle as handleCompactTimer } from '../../lib/handlers/compact-timer.js'
import { CATALOG_KEY } from '../../lib/layout.js'
import { silentLogger } from '../../lib/log.js'
import { locationOpener } from '../../lib/storage/open.js'
import { testPipeline } from '../support/pipeline.js'
import { filesByPartition, processAll } from '../support/table-runs.js'

const context: FcContext = { requestId: 'req-1', region: 'cn-shanghai', function: { name: 'ccc-trail-compact', timeout: 1800, memory: 2048 } }
const timer = (payload: object) =>
  Buffer.from(JSON.stringify({ triggerTime: '2021-02-06T01:30:00Z', triggerName: 'daily-compaction', payload: JSON.stringify(payload) }))

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

async function threeDays() {
  const pipeline = await testPipeline()
  const corpus = await generateCorpus(pipeline.source, {
    seed: 5,
    startDate: '2021-02-01',
    days: 3,
    archivesPerDay: 4,
    eventsPerArchive: 20,
    lateEvents: false,
  })
  await processAll(pipeline, corpus.keys)
  const config = loadConfig({}, { DEST: pipeline.destRoot })
  return { pipeline, deps: { config, open: locationOpener(config.oss), log: silentLogger } }
}

/** Files and partitions of one day. */
async function day(pipeline: Awaited<ReturnType<typeof testPipeline>>, dt: string): Promise<{ files: number; partitions: number }> {
  const folders = [...(await filesByPartition(pipeline.dest)).entries()].filter(([folder]) => folder.startsWith(`dt=${dt}/`))
  return { files: folders.reduce((n, [, files]) => n + files.length, 0), partitions: folders.length }
}

describe('compaction function', () => {
  it('by default compacts only the days at least two days old', async () => {
    const { pipeline, deps } = await threeDays()
    const [first, second, third] = await Promise.all(['2021-02-01', '2021-02-02', '2021-02-03'].map((dt) => day(pipeline, dt)))
    expect(third.files).toBeGreaterThan(third.partitions)
    // Run on 2021-02-04: 02-01 and 02-02 are finished, 02-03 may still get late archives.
    const result = await handleCompactTimer({ ...deps, now: () => Date.parse('2021-02-04T01:30:00Z') }, timer({}), context)
    expect(result).toMatchObject({ stoppedEarly: false, compacted: first.partitions + second.partitions, unchanged: 0 })
    expect(await day(pipeline, '2021-02-01')).toEqual({ files: first.partitions, partitions: first.partitions })
    expect(await day(pipeline, '2021-02-02')).toEqual({ files: second.partitions, partitions: second.partitions })
    expect(await day(pipeline, '2021-02-03')).toEqual(third)
    expect(await pipeline.dest.head(CATALOG_KEY), 'the API catalog is rewritten after compaction').toBeDefined()
  })

  it('takes a day from the payload and answers a bad payload without throwing', async () => {
    const { pipeline, deps } = await threeDays()
    const before = await day(pipeline, '2021-02-03')
    const result = await handleCompactTimer(deps, timer({ date: '2021-02-03' }), context)
    expect(result).toMatchObject({ compacted: before.partitions, unchanged: 0, filesBefore: before.files, filesAfter: before.partitions })
    expect(await day(pipeline, '2021-02-03')).toEqual({ files: before.partitions, partitions: before.partitions })
    expect(await handleCompactTimer(deps, timer({ date: '2021-02-30' }), context)).toEqual({ invalidEvent: expect.stringMatching(/date must be a day/) })
    expect(await handleCompactTimer(deps, Buffer.from('not json'), context)).toEqual({ invalidEvent: expect.stringMatching(/not JSON/) })
    expect(await handleCompactTimer(deps, timer({ lookbackDays: 'x' }), context)).toEqual({ invalidEvent: expect.stringMatching(/lookbackDays/) })
  })

  it('with {"rollup": true} rolls up the days still receiving archives: their part files become one group per partition', async () => {
    const { pipeline, deps } = await threeDays()
    const [first, second, third] = await Promise.all(['2021-02-01', '2021-02-02', '2021-02-03'].map((dt) => day(pipeline, dt)))
    // Run on 2021-02-03: that day and 02-02 still receive archives; 02-01 waits for the daily compaction.
    const result = await handleCompactTimer({ ...deps, now: () => Date.parse('2021-02-03T12:05:00Z') }, timer({ rollup: true }), context)
    expect(result).toMatchObject({ compacted: second.partitions + third.partitions, unchanged: 0 })
    expect(await day(pipeline, '2021-02-01')).toEqual(first)
    expect(await day(pipeline, '2021-02-02')).toEqual({ files: second.partitions, partitions: second.partitions })
    expect(await day(pipeline, '2021-02-03')).toEqual({ files: third.partitions, partitions: third.partitions })
    expect(await pipeline.dest.head(CATALOG_KEY), 'a roll-up leaves the catalog to the daily run').toBeUndefined()
    expect(await handleCompactTimer(deps, timer({ rollup: true, since: '2021-02-01' }), context)).toEqual({
      invalidEvent: expect.stringMatching(/roll-up takes/),
    })
    expect(await handleCompactTimer(deps, timer({ rollup: 'yes' }), context)).toEqual({ invalidEvent: expect.stringMatching(/rollup must be/) })
  })

  it('is wired as the FC handler, configured from the environment', async () => {
    const { pipeline } = await threeDays()
    const before = await day(pipeline, '2021-02-01')
    vi.stubEnv('DEST', pipeline.destRoot)
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const result = await handler(Buffer.from(JSON.stringify({ date: '2021-02-01' })), context)
    expect(result).toMatchObject({ compacted: before.partitions, unchanged: 0, stoppedEarly: false })
    expect(await day(pipeline, '2021-02-01')).toEqual({ files: before.partitions, partitions: before.partitions })
  })
})
