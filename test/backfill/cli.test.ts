import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateCorpus } from '../../lib/demo/corpus.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { OssStorage } from '../../lib/storage/oss.js'
import { type CliRun, REPO, runCli } from '../support/cli.js'
import { runMain } from '../support/cli-main.js'
import { type OssServer, startOssServer } from '../support/oss-server.js'
import { tableShape } from '../support/table-shape.js'
import { tempDir } from '../support/temp.js'

async function corpusFolder(archivesPerDay: number) {
  const bucket = await tempDir('ccc-bucket')
  const corpus = await generateCorpus(new FsStorage(bucket), {
    startDate: '2021-02-27',
    days: 3,
    archivesPerDay,
    eventsPerArchive: 3,
    regions: ['cn-shanghai', 'cn-beijing'],
    brokenArchives: 1,
    seed: 21,
  })
  return { bucket, corpus }
}

/** The built CLI in a child process the test can signal, and wait on until its stderr shows a text. */
function startCli(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/ccc-trail.js'), ...args], { cwd: REPO, env: { ...process.env, ...env } })
  let stdout = ''
  let stderr = ''
  const watchers: { text: string; resolve: () => void }[] = []
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => {
    stderr += chunk
    for (const watcher of watchers.filter((w) => stderr.includes(w.text))) {
      watchers.splice(watchers.indexOf(watcher), 1)
      watcher.resolve()
    }
  })
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })))
  return {
    done,
    kill: (signal: NodeJS.Signals) => child.kill(signal),
    stderrShows: (text: string) => new Promise<void>((resolve) => (stderr.includes(text) ? resolve() : watchers.push({ text, resolve }))),
  }
}

const OSS_CREDENTIALS = { accessKeyId: 'LTAI5tBackfillCliKey', accessKeySecret: 'backfill-cli-secret-Hn27' }
let server: OssServer
beforeAll(async () => {
  server = await startOssServer({ ...OSS_CREDENTIALS, buckets: ['stop-test'] })
})
afterAll(() => server.close())
const ossEnv = () => ({
  OSS_ENDPOINT: server.endpoint,
  ALIBABA_CLOUD_ACCESS_KEY_ID: OSS_CREDENTIALS.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: OSS_CREDENTIALS.accessKeySecret,
})

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

  it('on SIGTERM finishes the archive in flight, exits 143, and a rerun completes the table', async () => {
    const source = new OssStorage({ bucket: 'stop-test', endpoint: server.endpoint, ...OSS_CREDENTIALS })
    const corpus = await generateCorpus(source, {
      prefix: 'trail/',
      startDate: '2021-02-27',
      days: 3,
      archivesPerDay: 2,
      eventsPerArchive: 3,
      regions: ['cn-shanghai', 'cn-beijing'],
      brokenArchives: 1,
      seed: 21,
    })
    expect(corpus.archives).toBe(12)
    const lake = await tempDir('ccc-lake')
    const args = ['backfill', '--source', 'oss://stop-test/trail/', '--dest', lake, '--from', '2021-02-27', '--to', '2021-03-01']
    // Every archive read is held on the server until the signal has arrived: the batch reads its members
    // ahead, and their requests reach the server in any order, so holding only the first request to arrive
    // could let the first member's read through and leave the second in flight when the signal came.
    server.inject({ bucket: 'stop-test', op: 'GetObject', kind: 'hold', keyPrefix: 'trail/', times: 100 })
    const cli = startCli([...args, '--concurrency', '1'], ossEnv())
    await server.held()
    cli.kill('SIGTERM')
    await cli.stderrShows('SIGTERM: finishing the archives in flight')
    server.resetFaults()
    const stopped = await cli.done
    expect(stopped.stdout).toContain('stopped early: 11 archives not started; run the same command again to resume')
    expect(stopped.stdout).toMatch(/processed 1: written [01], quarantined [01], failed 0/)
    expect(stopped.code).toBe(143)

    const rerun = await runCli(args, { env: ossEnv() })
    expect(rerun.code, rerun.stderr).toBe(0)
    expect(rerun.stdout).toContain('12 archives listed, 1 skipped as done, 11 to process')
    // Every event once: the broken archive is quarantined, every other CCC event is a row.
    const table = await tableShape(lake)
    expect(table.rows).toBe(corpus.cccEvents)
    expect(table.distinctEvents).toBe(corpus.cccEvents)
  })

  it('answers bad flags with exit 2 and a clear message', async () => {
    const dirs = ['--source', '/tmp/nowhere', '--dest', '/tmp/nowhere-lake']
    const badDate = await runMain(['backfill', ...dirs, '--from', '2021-02-30'])
    expect(badDate.code).toBe(2)
    expect(badDate.stderr).toContain('--from/--to: from must be a date YYYY-MM-DD, got "2021-02-30"')
    expect((await runMain(['backfill', '--dest', '/tmp/x'])).stderr).toContain('--source is required')
    expect((await runMain(['backfill', ...dirs, '--progress-interval', '0'])).code).toBe(2)
    const help = await runMain(['backfill', '--help'])
    expect(help.stdout).toContain('--progress-interval')
  })
})
