import { describe, expect, it } from 'vitest'
import { duration, ProgressReporter, progressBar, progressLine } from '../../lib/backfill/progress.js'
import type { Outcome } from '../../lib/run-archives.js'

const written = (events: number, bytesIn: number): Outcome => ({
  key: 'k',
  status: 'written',
  counts: { events, rows: events, nonCcc: 0, quarantined: 0 },
  files: 1,
  bytesIn,
  bytesOut: 0,
  millis: 1,
})

describe('backfill progress', () => {
  it('shows archives done of total, events/s, MB/s and the ETA at the rate so far', () => {
    const snapshot = { total: 400, finished: 100, failed: 0, events: 5000, bytesIn: 20 * 1024 * 1024, elapsedMs: 10_000 }
    expect(progressLine(snapshot)).toBe('progress 100/400 archives (25%), 500 events/s, 2.0 MB/s, ETA 30s')
    expect(progressBar(snapshot, 8)).toBe('[##......] 100/400 archives (25%), 500 events/s, 2.0 MB/s, ETA 30s')
    expect(progressLine({ ...snapshot, finished: 0, events: 0, bytesIn: 0 })).toContain('ETA ?')
    expect(progressLine({ ...snapshot, failed: 3 })).toContain('(25%, 3 failed)')
    expect(duration(3_725_000)).toBe('1h02m')
    expect(duration(95_000)).toBe('1m35s')
  })

  it('on a terminal redraws one line in place and keeps notes above it', () => {
    let now = 1_000
    const out: string[] = []
    const reporter = new ProgressReporter({ write: (text) => out.push(text), tty: true, intervalMs: 5_000, now: () => now })
    reporter.start(2)
    now += 1_000
    reporter.record(written(10, 1024 * 1024))
    reporter.note('quarantined  some/key')
    now += 1_000
    reporter.record({ key: 'x', status: 'failed', retryable: true, message: 'boom' })
    reporter.finish()
    expect(out.every((text) => text.startsWith('\r\x1b[K'))).toBe(true)
    expect(out).toContain('\r\x1b[Kquarantined  some/key\n')
    expect(out.at(-1)).toBe('\r\x1b[K[########################] 2/2 archives (100%, 1 failed), 5 events/s, 0.5 MB/s, ETA 0s\n')
  })

  it('elsewhere prints plain lines: notes as they come and the final state', () => {
    const out: string[] = []
    const reporter = new ProgressReporter({ write: (text) => out.push(text), tty: false, intervalMs: 60_000, now: () => 0 })
    reporter.note('listed 1 days')
    reporter.start(1)
    reporter.record(written(3, 10))
    reporter.finish()
    expect(out).toEqual(['listed 1 days\n', 'progress 1/1 archives (100%), 0 events/s, 0.0 MB/s, ETA 0s\n'])
  })
})
