import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { type PipelineOptions, processArchive } from '../../lib/pipeline.js'
import { processArchives } from '../../lib/run-archives.js'
import { FsStorage } from '../../lib/storage/fs.js'
import type { EncoderFactory } from '../../lib/write/file-encoder.js'
import { defaultEncoder } from '../../lib/write/partition-buffer.js'
import { queryTable } from '../support/duck.js'
import { expectAccounted, testPipeline } from '../support/pipeline.js'
import { tempDir } from '../support/temp.js'
import {
  archiveLine,
  captureLog,
  cccEvent,
  cccEvents,
  dataFiles,
  expectRecordOf,
  idsOf,
  quarantineRecords,
  sorted,
  type TestEvent,
  tableIds,
} from './harness.js'

/**
 * Archives that used to wedge a trigger or a backfill: an error inside the decoder surfaced as
 * "The operation was aborted" (neither retryable nor quarantined), a deep value overflowed the
 * stack. Each must now end quarantined with the reason of its first fault. The source is a folder
 * bucket, as in the CLI: its read stream is the one the pipeline's teardown used to abort.
 */

async function run(body: Buffer | string, eventCount: number, options: Partial<PipelineOptions> = {}) {
  const { log, lines } = captureLog()
  const pipeline = await testPipeline({ log, source: new FsStorage(await tempDir('ccc-source')), options })
  const key = await putArchive(pipeline.source, [], { body: Buffer.isBuffer(body) ? body : gzipSync(body), eventCount })
  const result = await processArchive(pipeline, key)
  expectAccounted(result)
  return { pipeline, result, line: archiveLine(lines, key) }
}

const texts = (events: TestEvent[]) => events.map((e) => JSON.stringify(e))

describe('poison pills: quarantined with the first fault, never an abort', () => {
  it.each([
    ['a JSON array', (list: string) => `[${list}] garbage`],
    ['a JSON array followed by a second array', (list: string) => `[${list}]\n[${list}]`],
    ['{"Records":[...]}', (list: string) => `{"Records":[${list}]}\u0000\u0000`],
  ])('trailing bytes after %s -> trailing_bytes', async (_, shape) => {
    const events = cccEvents('trailing', 3)
    const { result, pipeline, line } = await run(shape(texts(events).join(',')), 3)
    expect(result).toMatchObject({ status: 'quarantined', reason: 'trailing_bytes', counts: { events: 3, rows: 0, quarantined: 3 } })
    expect(result.message).toMatch(/content after the end of the event list/)
    expect(result.message).not.toMatch(/abort/i)
    expect(line).toMatchObject({ level: 'warn', reason: 'trailing_bytes' })
    const [record] = await quarantineRecords(pipeline.dest)
    expectRecordOf(record, result, 'archive', 'trailing_bytes')
    expect(await dataFiles(pipeline.dest)).toEqual([])
    expect((await processArchive(pipeline, result.key)).status).toBe('already_done')
  })

  it('through a run of archives (CLI, backfill) the archive counts as quarantined, not failed', async () => {
    const pipeline = await testPipeline({ source: new FsStorage(await tempDir('ccc-source')) })
    const bad = await putArchive(pipeline.source, [], { body: gzipSync(`[${texts(cccEvents('bad', 2)).join(',')}] x`), eventCount: 2 })
    const good = await putArchive(pipeline.source, cccEvents('good', 2), { deliveredAt: new Date('2021-02-03T04:20:00Z') })
    const summary = await processArchives(pipeline, [bad, good])
    expect(summary).toMatchObject({ archives: 2, written: 1, quarantined: 1, failed: 0, counts: { events: 4, rows: 2, quarantined: 2 } })
  })

  it('one event nested 5,000 arrays deep -> event_too_deep; its neighbours are written', async () => {
    const events = cccEvents('deep', 3)
    const deep = JSON.stringify(cccEvent('too-deep')).replace('"additionalEventData":{', `"additionalEventData":{"x":${'['.repeat(5000)}${']'.repeat(5000)},`)
    const list = texts(events)
    list.splice(1, 0, deep)
    const { result, pipeline } = await run(`[${list.join(',')}]`, 4)
    expect(result).toMatchObject({ status: 'written', reason: 'event_too_deep', counts: { events: 4, rows: 3, quarantined: 1 } })
    const [record] = await quarantineRecords(pipeline.dest)
    expect(record.events).toEqual([{ index: 1, reason: 'event_too_deep', message: `event of ${Buffer.byteLength(deep)} bytes nests deeper than 512 levels` }])
    expect(await tableIds(pipeline.destRoot)).toEqual(sorted(idsOf(events)))
  })

  it('an event at the depth limit is written whole', async () => {
    // The event object is level 1, additionalEventData level 2, then 510 arrays: 512 levels.
    const event = cccEvent('at-limit', { additionalEventData: { x: JSON.parse('['.repeat(510) + ']'.repeat(510)) as unknown } })
    const { result, pipeline } = await run(`[${JSON.stringify(event)}]`, 1)
    expect(result).toMatchObject({ status: 'written', counts: { rows: 1, quarantined: 0 } })
    expect(await tableIds(pipeline.destRoot)).toEqual(['at-limit'])
  })

  it('an event name too long for a folder name -> event_name_too_long, not a failed write', async () => {
    const events = [cccEvent('long-name', { eventName: 'N'.repeat(201) }), cccEvent('fits', { eventName: 'N'.repeat(200) })]
    const { result, pipeline } = await run(`[${texts(events).join(',')}]`, 2)
    expect(result).toMatchObject({ status: 'written', reason: 'event_name_too_long', counts: { rows: 1, quarantined: 1 } })
    expect(await tableIds(pipeline.destRoot)).toEqual(['fits'])
  })
})

describe('unexpected errors during conversion: quarantined as unexpected_error, with the message', () => {
  /** A real encoder that fails at its `failAt`-th file: stands in for an encoder bug no input rule foresaw. */
  function encoderFailingAt(failAt: number, stage: 'finish' | 'addRowGroup'): EncoderFactory {
    let files = 0
    return () => {
      const encoder = defaultEncoder()
      if (++files !== failAt) return encoder
      return {
        get rows() {
          return encoder.rows
        },
        addRowGroup: (columns) => {
          if (stage === 'addRowGroup') throw new TypeError('encoder exploded')
          encoder.addRowGroup(columns)
        },
        finish: () => {
          throw new TypeError('encoder exploded')
        },
      }
    }
  }

  it('while writing the files: the files already written are removed, nothing reaches the table', async () => {
    const events = [cccEvent('a', { eventName: 'ListConfig' }), cccEvent('b', { eventName: 'ListUsers' })]
    const { result, pipeline, line } = await run(`[${texts(events).join(',')}]`, 2, { encoder: encoderFailingAt(2, 'finish') })
    expect(result).toMatchObject({ status: 'quarantined', reason: 'unexpected_error', counts: { events: 2, rows: 0, quarantined: 2 } })
    expect(result.message).toBe('unexpected error while converting: encoder exploded')
    expect(line).toMatchObject({ level: 'warn', reason: 'unexpected_error' })
    expect(await dataFiles(pipeline.dest)).toEqual([])
    expect(await quarantineRecords(pipeline.dest)).toHaveLength(1)
  })

  it('while reading the archive (a row group flushed mid-stream): quarantined, not aborted', async () => {
    const events = cccEvents('flush', 50)
    const { result } = await run(`[${texts(events).join(',')}]`, 50, { encoder: encoderFailingAt(1, 'addRowGroup'), memoryLimitBytes: 1 })
    expect(result).toMatchObject({ status: 'quarantined', reason: 'unexpected_error', counts: { events: 50, quarantined: 50 } })
    expect(result.message).toBe('unexpected error while converting: encoder exploded')
  })
})

describe('a 20 MB string is read whole', () => {
  it('in an event holding a big integer too (the exact parser)', async () => {
    const big = 'b'.repeat(20 << 20)
    const event = JSON.stringify(cccEvent('huge', { additionalEventData: { blob: big } })).replace('"blob"', '"n":123456789012345678901,"blob"')
    const { result, pipeline } = await run(`[${event}]`, 1)
    expect(result).toMatchObject({ status: 'written', counts: { rows: 1 } })
    const [row] = await queryTable(pipeline.destRoot, 'SELECT length(additional_event_data) AS n FROM ccc_events')
    expect(Number(row.n)).toBe(big.length + '{"blob":"","n":123456789012345678901}'.length)
  })
})
