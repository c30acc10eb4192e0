import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { REPO, runCli, type CliRun } from '../support/cli.js'
import { tempDir } from '../support/temp.js'
import { tableShape } from './table.js'

async function corpusFolder(archivesPerDay: number) {
  const bucket = await tempDir('ccc-bucket')
  const corpus = await generateCorpus(new FsStorage(bucket), { startDate: '2021-02-27', days: 3, archivesPerDay, eventsPerArchive: 3, regions: ['cn-shanghai', 'cn-beijing'], brokenArchives: 1, seed: 21 })
  return { bucket, corpus }
}

/** Starts the built CLI and sends `signal` once stderr shows `trigger`. */
function runUntil(args: string[], trigger: string, signal: NodeJS.Signals): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin/ccc-trail.js'), ...args], { cwd: REPO })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => {
      const before = stderr
      stderr += chunk
      if (!before.includes(trigger) && stderr.includes(trigger)) child.kill(signal)
    })
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

describe('ccc-trail backfill', () => {
  it('backfills a window with progress lines, then a rerun processes nothing', async () => {
    const { bucket, corpus } = await corpusFolder(10)
    const lake = await tempDir('ccc-lake')
    const args = ['backfill', '--source', bucket, '--dest', lake, '--from', '2021-02-27', '--to', '2021-03-01', '--progress-interval', '0.05']
    const first = await runCli(args)
    expect(first.stderr).toContain('listed 3 days: 60 archives, 0 done, 60 to process')
    expect(first.stderr).toMatch(/^progress 60\/60 archives \(100%\), \d+ events\/s, [\d.]+ MB\/s, ETA 0s$/m)
    expect(first.stderr).toMatch(/^quarantined {2}AliyunLogs\/Actiontrail\/.* reason (not_gzip|truncated_gzip)/m)
    expect(first.stdout).toContain('window 2021-02-27..2021-03-01 (3 days of delivery folders): 60 archives listed, 0 skipped as done, 60 to process')
    expect(first.stdout).toContain('processed 60: written 59, quarantined 1, failed 0')
    expect(first.stdout).toContain(`rows written ${corpus.cccEvents} + non-CCC ${corpus.nonCccEvents} + quarantined 3`)
    expect(first.code).toBe(0)

    const again = await runCli(args)
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('60 archives listed, 60 skipped as done, 0 to process')
    expect(again.stdout).toContain('processed 0: written 0, quarantined 0, failed 0')
  })

  it('on SIGTERM finishes the archives in flight, exits 143, and a rerun completes the table', async () => {
    const { bucket, corpus } = await corpusFolder(25)
    const lake = await tempDir('ccc-lake')
    const window = ['--from', '2021-02-27', '--to', '2021-03-01']
    // The signal arrives as processing starts: 150 archives one at a time take far longer than that.
    const stopped = await runUntil(['backfill', '--source', bucket, '--dest', lake, ...window, '--concurrency', '1'], 'to process', 'SIGTERM')
    expect(stopped.stderr).toContain('SIGTERM: finishing the archives in flight')
    expect(stopped.stdout).toMatch(/stopped early: \d+ archives not started; run the same command again to resume/)
    expect(stopped.code).toBe(143)
    const done = Number(/processed (\d+):/.exec(stopped.stdout)![1])
    expect(done).toBeLessThan(150)

    const rerun = await runCli(['backfill', '--source', bucket, '--dest', lake, ...window])
    expect(rerun.code).toBe(0)
    expect(rerun.stdout).toContain(`150 archives listed, ${done} skipped as done, ${150 - done} to process`)
    // Every event once: the broken archive is quarantined, every other CCC event is a row.
    const table = await tableShape(lake)
    expect(table.rows).toBe(corpus.cccEvents)
    expect(table.distinctEvents).toBe(corpus.cccEvents)
  })

  it('answers bad flags with exit 2 and a clear message', async () => {
    const dirs = ['--source', '/tmp/nowhere', '--dest', '/tmp/nowhere-lake']
    const badDate = await runCli(['backfill', ...dirs, '--from', '2021-02-30'])
    expect(badDate.code).toBe(2)
    expect(badDate.stderr).toContain('--from/--to: from must be a date YYYY-MM-DD, got "2021-02-30"')
    expect((await runCli(['backfill', '--dest', '/tmp/x'])).stderr).toContain('--source is required')
    expect((await runCli(['backfill', ...dirs, '--progress-interval', '0'])).code).toBe(2)
    const help = await runCli(['backfill', '--help'])
    expect(help.stdout).toContain('--progress-interval')
  })
})
