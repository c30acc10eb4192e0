import { describe, expect, it } from 'vitest'
import { runBackfill } from '../../lib/backfill/run-backfill.js'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { MemoryStorage } from '../../lib/storage/memory.js'
import { testPipeline } from '../support/pipeline.js'
import { tableShape } from '../support/table-shape.js'

const WINDOW = { from: '2021-01-31', to: '2021-02-02' }

async function corpus() {
  const source = new MemoryStorage()
  // 2 regions x 3 delivery days x 12 archives, crossing a month boundary, with late events and 2 broken archives.
  const summary = await generateCorpus(source, {
    startDate: '2021-01-30',
    days: 5,
    archivesPerDay: 12,
    eventsPerArchive: 6,
    regions: ['cn-shanghai', 'cn-hangzhou'],
    brokenArchives: 2,
    seed: 7,
  })
  return { source, summary }
}

describe('backfill run', () => {
  it('processes the window once; a second run skips everything as done', async () => {
    const { source } = await corpus()
    const pipeline = await testPipeline({ source })
    const first = await runBackfill(pipeline, { sourcePrefix: '', window: WINDOW, concurrency: 3 })
    expect(first.plan).toMatchObject({ days: 3, listed: 72, done: 0, pending: 72, complete: true })
    expect(first.run.archives).toBe(72)
    expect(first.run.failed).toBe(0)
    expect(first.stopped).toBe(false)
    const { events, rows, nonCcc, quarantined } = first.run.counts
    expect(rows + nonCcc + quarantined).toBe(events)

    const second = await runBackfill(pipeline, { sourcePrefix: '', window: WINDOW, concurrency: 3 })
    expect(second.plan).toMatchObject({ listed: 72, done: 72, pending: 0 })
    expect(second.run.archives).toBe(0)
  })

  it('a run stopped partway and rerun gives the same table as one uninterrupted run', async () => {
    const { source } = await corpus()
    const whole = await testPipeline({ source })
    await runBackfill(whole, { sourcePrefix: '', window: WINDOW, concurrency: 3 })

    const resumed = await testPipeline({ source })
    let finished = 0
    const stopped = await runBackfill(resumed, {
      sourcePrefix: '',
      window: WINDOW,
      concurrency: 3,
      stopRequested: () => finished >= 20,
      onOutcome: () => finished++,
    })
    expect(stopped.stopped).toBe(true)
    expect(stopped.run.archives).toBeGreaterThanOrEqual(20)
    expect(stopped.run.archives).toBeLessThan(72)
    const rerun = await runBackfill(resumed, { sourcePrefix: '', window: WINDOW, concurrency: 3 })
    expect(rerun.plan.done).toBe(stopped.run.archives)
    expect(rerun.run.archives).toBe(72 - stopped.run.archives)
    expect(rerun.stopped).toBe(false)

    const expected = await tableShape(whole.destRoot)
    expect(expected.rows).toBeGreaterThan(0)
    expect(expected.distinctEvents).toBe(expected.rows)
    expect(await tableShape(resumed.destRoot)).toEqual(expected)
  })

  it('a stop during listing processes nothing and says the listing was cut short', async () => {
    const { source } = await corpus()
    const pipeline = await testPipeline({ source })
    const summary = await runBackfill(pipeline, { sourcePrefix: '', window: WINDOW, stopRequested: () => true })
    expect(summary.plan).toMatchObject({ days: 1, complete: false })
    expect(summary.run.archives).toBe(0)
    expect(summary.stopped).toBe(true)
  })
})
