import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from '../support/built.js'
import { REPO } from '../support/cli.js'
import { tempDir } from '../support/temp.js'

const run = promisify(execFile)

beforeAll(() => ensureBuilt('dist/bench/run.js'), 120_000)

describe('npm run bench (tiny corpus)', () => {
  it('reports every variant as JSON on the last line, and all four agree on the CCC row count', async () => {
    const dir = await tempDir('ccc-bench')
    const { stdout } = await run(
      process.execPath,
      [path.join(REPO, 'dist/bench/run.js'), '--events', '2000', '--archives', '4', '--big-mb', '2', '--ccc-share', '0.3', '--dir', dir, '--json'],
      { cwd: REPO, maxBuffer: 16 << 20 },
    )
    const report = JSON.parse(stdout.trimEnd().split('\n').at(-1)!)
    expect(report.corpus).toMatchObject({ events: 2000, archives: 4, seed: 1, cccShare: 0.3 })
    expect(report.corpus.cccEvents / report.corpus.events).toBeCloseTo(0.3, 1)
    expect(report.corpus.cccEvents).toBeGreaterThan(0)
    expect(report.results.map((r: { name: string }) => r.name)).toEqual(['floor', 'duckdb', 'ccc-trail', 'ccc-trail+parquetjs-lite'])
    for (const result of report.results) {
      expect(Object.keys(result)).toEqual(expect.arrayContaining(['name', 'wallSeconds', 'eventsPerSecond', 'peakRssMB', 'outputBytes']))
      expect(result.wallSeconds).toBeGreaterThan(0)
      expect(result.peakRssMB).toBeGreaterThan(0)
      expect(result.rows).toBe(report.corpus.cccEvents)
      if (result.name !== 'floor') expect(result.outputBytes).toBeGreaterThan(0)
    }
    for (const ratio of ['vsDuckdb', 'vsFloor', 'vsParquetjsLite']) expect(report.ratios[ratio]).toBeGreaterThan(0)
    for (const result of report.results) expect(report.cpuSeconds[result.name]).toBe(result.cpuSeconds)
    const cpu = report.cpuSeconds
    expect(report.cpuRatios).toEqual({ vsDuckdb: expect.closeTo(cpu['ccc-trail'] / cpu.duckdb, 2), vsFloor: expect.closeTo(cpu['ccc-trail'] / cpu.floor, 2) })
    expect(report.boundedMemory.map((b: { kind: string }) => b.kind)).toEqual(['varied', 'repetitive'])
    for (const big of report.boundedMemory) {
      expect(big).toMatchObject({ memoryLimitMB: 256, underBound: true })
      expect(big.peakRssMB).toBeLessThanOrEqual(big.memoryLimitMB)
      expect(big.jsonMB).toBeGreaterThanOrEqual(2)
      expect(big.peakRssMB).toBeGreaterThan(0)
    }
    const [varied, repetitive] = report.boundedMemory
    expect(repetitive.jsonMB / repetitive.gzipMB).toBeGreaterThan(2 * (varied.jsonMB / varied.gzipMB))
  }, 120_000)

  it('runs the DuckDB engine sketches only when named, and they write every CCC row', async () => {
    const dir = await tempDir('ccc-bench-engine')
    const args = ['--events', '1000', '--archives', '3', '--big-mb', '0', '--only', 'duckdb-engine,duckdb-engine-batch', '--dir', dir, '--json']
    const { stdout } = await run(process.execPath, [path.join(REPO, 'dist/bench/run.js'), ...args], { cwd: REPO, maxBuffer: 16 << 20 })
    const report = JSON.parse(stdout.trimEnd().split('\n').at(-1)!)
    expect(report.results.map((r: { name: string }) => r.name)).toEqual(['duckdb-engine', 'duckdb-engine-batch'])
    for (const result of report.results) {
      expect(result.rows).toBe(report.corpus.cccEvents)
      expect(result.outputBytes).toBeGreaterThan(0)
      expect(Object.keys(result.phases)).toEqual(['candidates', 'duckdb'])
    }
    expect(stdout).toContain('duckdb-engine-batch phases: candidates')
  }, 120_000)
})
