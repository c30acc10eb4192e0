import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../lib/config.js'
import { listDeadLetters } from '../../lib/dead-letter-replay.js'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { ossTriggerEvent } from '../../lib/fc/oss-event.js'
import { handle as keepDeadLetter } from '../../lib/handlers/dead-letter.js'
import { silentLogger } from '../../lib/log.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { locationOpener } from '../../lib/storage/open.js'
import { runCli } from '../support/cli.js'
import { runMain } from '../support/cli-main.js'
import { tempDir } from '../support/temp.js'

/** `ccc-trail process --replay-dead-letters`: what FC gave up on reaches the table, and each letter is marked once done. */

const event = (eventId: string) => ({ ...seedSampleEvent(), eventId })

function failed(requestId: string, payload: unknown) {
  return JSON.stringify({
    timestamp: '2021-02-04T05:00:00.000Z',
    requestContext: { requestId, functionArn: 'acs:fc:cn-shanghai:1:functions/ccc-trail-oss-trigger', condition: 'RetriesExhausted' },
    requestPayload: JSON.stringify(payload),
    responseContext: { statusCode: 200, functionError: 'UnhandledInvocationError' },
  })
}

async function lines(args: string[]) {
  const run = await runCli(['process', ...args, '--json'])
  expect(run.code, run.stderr).toBe(0)
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('process --replay-dead-letters', () => {
  it('converts the archives of OSS events, batches and windows FC gave up on, and marks those letters replayed', async () => {
    const sourceRoot = await tempDir('dl-source')
    const destRoot = await tempDir('dl-dest')
    const source = new FsStorage(sourceRoot)
    const fromEvent = await putArchive(source, [event('e-1')], { deliveredAt: new Date('2021-02-03T04:15:00Z') })
    const fromBatch = await putArchive(source, [event('e-2')], { deliveredAt: new Date('2021-02-03T04:20:00Z') })
    const fromWindow = await putArchive(source, [event('e-3')], { deliveredAt: new Date('2021-02-01T10:00:00Z') })
    await putArchive(source, [event('e-4')], { deliveredAt: new Date('2021-02-02T10:00:00Z') }) // no dead letter asks for it

    const config = loadConfig({}, { DEST: destRoot })
    const deps = { config, open: locationOpener(config.oss), log: silentLogger }
    await keepDeadLetter(deps, failed('r-event', ossTriggerEvent([{ bucket: 'trail-bucket', key: fromEvent }])), { requestId: 'x1' })
    await keepDeadLetter(deps, failed('r-batch', { batch: [fromBatch] }), { requestId: 'x2' })
    await keepDeadLetter(deps, failed('r-window', { from: '2021-02-01', to: '2021-02-01' }), { requestId: 'x3' })
    await keepDeadLetter(deps, 'garbage', { requestId: 'x4' })

    const first = await lines(['--source', sourceRoot, '--dest', destRoot, '--replay-dead-letters'])
    const outcomes = first.filter((line) => typeof line.key === 'string')
    expect(outcomes.map((o) => [o.key, o.status]).sort()).toEqual([fromEvent, fromBatch, fromWindow].sort().map((key) => [key, 'written']))
    expect(first).toContainEqual({ deadLetters: { replayed: 3, kept: 0 } })

    const dest = deps.open(config.dest)
    const letters = new Map<string, string | undefined>()
    for await (const { letter } of listDeadLetters(dest.storage, dest.prefix)) letters.set(letter.requestId, letter.replayedAt)
    expect([...letters.keys()].sort()).toEqual(['r-batch', 'r-event', 'r-window', 'x4'])
    expect(letters.get('x4')).toBeUndefined() // not replayable: kept as it is for the operator
    for (const id of ['r-batch', 'r-event', 'r-window']) expect(letters.get(id)).toMatch(/^\d{4}-\d\d-\d\dT/)

    const again = await lines(['--source', sourceRoot, '--dest', destRoot, '--replay-dead-letters'])
    expect(again.filter((line) => typeof line.key === 'string')).toEqual([])
    expect(again).toContainEqual({ deadLetters: { replayed: 0, kept: 0 } })
  })

  it('refuses keys or --replay-quarantine alongside (exit 2)', async () => {
    const run = await runMain(['process', '--source', '/nonexistent', '--dest', '/nonexistent', '--replay-dead-letters', 'some/key'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--replay-dead-letters')
  })
})
