import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../lib/config.js'
import { listDeadLetters } from '../../lib/dead-letter-replay.js'
import { type DeadLetter, replayOf } from '../../lib/dead-letters.js'
import { ossTriggerEvent } from '../../lib/fc/oss-event.js'
import { handle } from '../../lib/handlers/dead-letter.js'
import { DEAD_LETTER_DIR } from '../../lib/layout.js'
import { sinkLogger } from '../../lib/log.js'
import { type Location, locationOpener } from '../../lib/storage/open.js'
import { tempDir } from '../support/temp.js'

const ARCHIVE = 'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/Actiontrail_cn-shanghai_20210203041500_1002_1_9_ab.gz'
const NOW = Date.parse('2021-02-04T05:06:07Z')

/** What FC sends a failure destination: the failed request, why FC gave up, and the original payload as text. */
function destinationRecord(payload: unknown, requestId = '1-6751a2b3-failed') {
  return {
    timestamp: '2021-02-04T05:00:00.000Z',
    requestContext: {
      requestId,
      functionArn: 'acs:fc:cn-shanghai:1234567890123456:functions/ccc-trail-oss-trigger',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    responseContext: { statusCode: 200, functionError: 'UnhandledInvocationError' },
    responsePayload: '{"errorMessage":"AccessDenied"}',
  }
}

async function deps() {
  const root = await tempDir('dead-letters')
  const config = loadConfig({}, { DEST: root })
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = []
  const log = sinkLogger((level, message, context, fields) => lines.push({ level, message, fields: { ...context, ...fields } }))
  const open = locationOpener(config.oss)
  return { deps: { config, open, log, now: () => NOW }, dest: open(config.dest), lines }
}

const context = { requestId: 'dead-letter-invocation-1' }

async function letters(dest: Location): Promise<{ key: string; letter: DeadLetter }[]> {
  const found: { key: string; letter: DeadLetter }[] = []
  for await (const entry of listDeadLetters(dest.storage, dest.prefix)) found.push(entry)
  return found
}

describe('the dead-letter function', () => {
  it('keeps the failed invocation under _ccc_trail/dead-letters/, keyed by its request id, and logs an error', async () => {
    const { deps: d, dest, lines } = await deps()
    const record = destinationRecord(ossTriggerEvent([{ bucket: 'trail-bucket', key: ARCHIVE }]))
    const result = await handle(d, Buffer.from(JSON.stringify(record)), context)
    expect(result).toEqual({
      key: `${DEAD_LETTER_DIR}2021-02-04/1-6751a2b3-failed.json`,
      requestId: '1-6751a2b3-failed',
      functionArn: record.requestContext.functionArn,
      condition: 'RetriesExhausted',
    })
    expect(await letters(dest)).toEqual([
      {
        key: result.key,
        letter: {
          receivedAt: new Date(NOW).toISOString(),
          requestId: '1-6751a2b3-failed',
          functionArn: record.requestContext.functionArn,
          condition: 'RetriesExhausted',
          record,
        },
      },
    ])
    expect(lines).toEqual([
      {
        level: 'error',
        message: expect.stringContaining('--replay-dead-letters'),
        fields: expect.objectContaining({ reason: 'dead_letter', key: result.key }),
      },
    ])
  })

  it('writes the same key when FC delivers the same failure twice', async () => {
    const { deps: d } = await deps()
    const record = JSON.stringify(destinationRecord({ batch: [ARCHIVE] }))
    const first = await handle(d, Buffer.from(record), context)
    const second = await handle(d, Buffer.from(record), { requestId: 'dead-letter-invocation-2' })
    expect(second.key).toBe(first.key)
  })

  it('keeps whatever arrives, even text that is not JSON, under its own invocation id', async () => {
    const { deps: d, dest } = await deps()
    const result = await handle(d, Buffer.from('not json at all'), context)
    expect(result.key).toBe(`${DEAD_LETTER_DIR}2021-02-04/dead-letter-invocation-1.json`)
    const [stored] = await letters(dest)
    expect(stored!.letter.record).toBe('not json at all')
    expect(replayOf(stored!.letter)).toEqual({ kind: 'unknown', reason: 'the record has no requestPayload' })
  })

  it('never writes outside the dead-letter folder, whatever the request id', async () => {
    const { deps: d } = await deps()
    const result = await handle(d, JSON.stringify(destinationRecord({ batch: [ARCHIVE] }, '../../dt=2021-02-03/x')), context)
    expect(result.key).toBe(`${DEAD_LETTER_DIR}2021-02-04/.._.._dt_2021-02-03_x.json`)
  })
})

describe('replayOf', () => {
  const letter = (payload: unknown): DeadLetter => ({ receivedAt: '2021-02-04T05:06:07.000Z', requestId: 'r', record: destinationRecord(payload) })

  it('reads the archives of an OSS trigger event and of a worker batch', () => {
    expect(replayOf(letter(ossTriggerEvent([{ bucket: 'b', key: ARCHIVE }])))).toEqual({ kind: 'archives', keys: [ARCHIVE] })
    expect(replayOf(letter({ batch: [ARCHIVE, ARCHIVE] }))).toEqual({ kind: 'archives', keys: [ARCHIVE] })
  })

  it('reads a backfill window, and a timer run as the default window at the time it failed', () => {
    expect(replayOf(letter({ from: '2021-02-01', to: '2021-02-02', resume: 'x' }))).toMatchObject({ kind: 'window', from: '2021-02-01', to: '2021-02-02' })
    const timer = { triggerTime: '2021-02-04T04:15:00Z', triggerName: 'hourly-catch-up', payload: '{}' }
    expect(replayOf(letter(timer))).toEqual({ kind: 'window', from: undefined, to: undefined, prefix: undefined, failedAt: '2021-02-04T05:00:00.000Z' })
  })

  it('says why a payload cannot be replayed', () => {
    expect(replayOf(letter({ events: [] }))).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('empty "events"') })
    expect(replayOf(letter('[1,2]'))).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('must be a JSON object') })
  })
})
