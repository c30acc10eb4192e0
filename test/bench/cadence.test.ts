import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from '../support/built.js'
import { REPO } from '../support/cli.js'
import { tempDir } from '../support/temp.js'

const run = promisify(execFile)

beforeAll(() => ensureBuilt('dist/bench/run.js'), 120_000)

describe('npm run bench -- --cadence real (tiny corpus)', () => {
  it('reports the lake shape of the bulk run and of DuckDB over the same archives, and both write every CCC row', async () => {
    const dir = await tempDir('ccc-bench-cadence')
    const args = ['--cadence', 'real', '--days', '2', '--archives-per-day', '3', '--events-per-archive', '80', '--query-pairs', '1', '--dir', dir, '--json']
    const { stdout } = await run(process.execPath, [path.join(REPO, 'dist/bench/run.js'), ...args], { cwd: REPO, maxBuffer: 16 << 20 })
    const report = JSON.parse(stdout.trimEnd().split('\n').at(-1)!)
    expect(report.corpus).toMatchObject({ days: 2, archivesPerDay: 3, eventsPerArchive: 80, cccShare: 0.25 })
    expect(report.corpus.cccEvents).toBeGreaterThan(0)
    expect(report.bulk.map((r: { name: string }) => r.name)).toEqual(['duckdb', 'ccc-trail'])
    for (const result of report.bulk) {
      expect(result.rows).toBe(report.corpus.cccEvents)
      expect(result.files).toBeGreaterThanOrEqual(result.partitions)
      expect(result.partitions).toBeGreaterThan(0)
      expect(result.bytes).toBeGreaterThan(0)
      expect(result.maxFilesPerPartition).toBeGreaterThanOrEqual(result.meanFilesPerPartition)
      expect(result.cpuSeconds).toBeGreaterThan(0)
      expect(result.peakRssMB).toBeGreaterThan(0)
    }
    const [duckdb, ours] = report.bulk
    // Both tables hold the same (dt, event_name) partitions.
    expect(ours.partitions).toBe(duckdb.partitions)
    expect(report.ratios.bytes).toBeCloseTo(ours.bytes / duckdb.bytes, 2)
    expect(report.ratios.filesPerPartition).toBeCloseTo(ours.files / ours.partitions / (duckdb.files / duckdb.partitions), 2)
    expect(stdout).toContain('files / partitions')
    // Then the trigger path over one day at that cadence (3 archives: 3 hours of 1), a roll-up after each hour.
    const [trigger] = report.steps
    expect(trigger.name).toBe('trigger day + hourly roll-ups')
    expect(trigger.figures).toMatchObject({ archives: 3, 'after finalization, max': 1 })
    expect(trigger.figures['files per partition-day after the roll-ups, max (target <= 30)']).toBeGreaterThanOrEqual(1)
    expect(trigger.figures['roll-up with 2 h rolled: OSS requests']).toBeGreaterThan(0)
    // Six archives: `ccc-trail process` converts them in-process (after relaunching node with its heap flags), and so does the bench.
    expect(ours.workers).toBe(1)
    expect(stdout).toContain('in-process, with the heap flags it relaunches with')
    // The query step: ccc-trail query and report before and after compact, and DuckDB counting from the archives.
    const query = report.steps.find((step: { name: string }) => step.name === 'query')
    expect(query.figures['DuckDB raw CCC rows']).toBe(report.corpus.cccEvents)
    for (const label of ['query as left (median)', 'query compacted (median)', 'DuckDB raw archives (fastest)'])
      expect(query.figures[`${label} wall s / CPU s / peak MB`]).toMatch(/^[\d.]+ \/ [\d.]+ \/ [1-9]\d*$/)
    expect(query.figures['report as left peak MB (<= 1024)']).toBeGreaterThan(0)
    expect(query.figures['query as left / compacted wall (median of pairs; <= 1.2)']).toBeGreaterThan(0)
  }, 180_000)

  it('refuses a cadence it does not know and variants it cannot run there', async () => {
    const dir = await tempDir('ccc-bench-cadence-usage')
    const script = path.join(REPO, 'dist/bench/run.js')
    await expect(run(process.execPath, [script, '--cadence', 'fast', '--dir', dir])).rejects.toMatchObject({
      stderr: expect.stringContaining('--cadence takes only "real"'),
    })
    await expect(run(process.execPath, [script, '--cadence', 'real', '--only', 'floor', '--dir', dir])).rejects.toMatchObject({
      stderr: expect.stringContaining('not floor'),
    })
  }, 60_000)
})
