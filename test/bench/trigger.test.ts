import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from '../support/built.js'
import { REPO } from '../support/cli.js'

const run = promisify(execFile)

beforeAll(() => ensureBuilt('dist/bench/trigger.js'), 120_000)

describe('node dist/bench/trigger.js (tiny archives)', () => {
  it('runs the built OSS trigger handler in fresh containers and reports cold and warm times for archives it wrote', async () => {
    const { stdout } = await run(
      process.execPath,
      [path.join(REPO, 'dist/bench/trigger.js'), '--events', '300', '--warm', '1', '--repeat', '2', '--ccc-share', '0.5', '--json'],
      { cwd: REPO, maxBuffer: 16 << 20 },
    )
    const report = JSON.parse(stdout.trimEnd().split('\n').at(-1)!)
    expect(report).toMatchObject({ events: 300, cccShare: 0.5, containers: 2, statuses: ['written'] })
    expect(report.handler).toBe(path.join(REPO, 'dist/functions/oss-trigger.js'))
    expect(report.runs).toHaveLength(2)
    for (const container of report.runs) expect(container.seconds).toHaveLength(2)
    expect(report.coldSeconds).toBeGreaterThan(0)
    expect(report.warmSeconds).toBeGreaterThan(0)
    expect(report.cpuSeconds).toBeGreaterThan(0)
  }, 120_000)
})
