import type { Outcome } from '../run-archives.js'

/** What the progress output shows: archives finished of those pending, and the rates so far. */
export interface ProgressSnapshot {
  total: number
  finished: number
  failed: number
  events: number
  bytesIn: number
  elapsedMs: number
}

export function progressBar(s: ProgressSnapshot, width = 24): string {
  const share = s.total > 0 ? Math.min(1, s.finished / s.total) : 1
  const filled = Math.round(share * width)
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${figures(s)}`
}

export function progressLine(s: ProgressSnapshot): string {
  return `progress ${figures(s)}`
}

function figures(s: ProgressSnapshot): string {
  const seconds = s.elapsedMs / 1000
  const percent = s.total > 0 ? Math.floor((100 * s.finished) / s.total) : 100
  const failed = s.failed > 0 ? `, ${s.failed} failed` : ''
  const eventRate = seconds > 0 ? Math.round(s.events / seconds) : 0
  const mbRate = seconds > 0 ? s.bytesIn / 1024 / 1024 / seconds : 0
  return `${s.finished}/${s.total} archives (${percent}%${failed}), ${eventRate} events/s, ${mbRate.toFixed(1)} MB/s, ETA ${eta(s)}`
}

/** Remaining archives at the archive rate so far; `?` until the first one finishes. */
function eta(s: ProgressSnapshot): string {
  if (s.finished >= s.total) return '0s'
  if (s.finished === 0 || s.elapsedMs <= 0) return '?'
  return duration(((s.total - s.finished) * s.elapsedMs) / s.finished)
}

export function duration(ms: number): string {
  const total = Math.round(ms / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const sec = total % 60
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`
}

export interface ProgressOptions {
  /** Raw text to the terminal (stderr); lines must carry their own newline. */
  write: (text: string) => void
  /** Redraw one bar in place with `\r`; otherwise print a line every `intervalMs`. */
  tty: boolean
  intervalMs: number
  now?: () => number
}

/** Counts outcomes and shows them: a bar redrawn in place on a terminal, periodic lines elsewhere. */
export class ProgressReporter {
  private readonly now: () => number
  private snapshot: ProgressSnapshot = { total: 0, finished: 0, failed: 0, events: 0, bytesIn: 0, elapsedMs: 0 }
  private startedAt = 0
  private started = false
  private lastDraw = 0
  private timer?: NodeJS.Timeout

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now
  }

  start(total: number): void {
    this.startedAt = this.now()
    this.started = true
    this.snapshot = { ...this.snapshot, total }
    if (this.options.tty) this.draw()
    else {
      this.timer = setInterval(() => this.options.write(progressLine(this.current()) + '\n'), this.options.intervalMs)
      this.timer.unref()
    }
  }

  record = (outcome: Outcome): void => {
    const s = this.snapshot
    s.finished++
    if (outcome.status === 'failed') s.failed++
    else {
      s.events += outcome.counts.events
      s.bytesIn += outcome.bytesIn
    }
    // Redraw at most ten times a second: thousands of small archives would flood the terminal.
    if (this.options.tty && this.now() - this.lastDraw >= 100) this.draw()
  }

  /** A line of its own (a failed archive, a notice), kept clear of the bar. */
  note(line: string): void {
    if (this.options.tty) {
      this.options.write(`\r\x1b[K${line}\n`)
      if (this.started) this.draw()
    } else this.options.write(line + '\n')
  }

  /** Prints the final state and stops the timer. */
  finish(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    if (this.options.tty) this.options.write(`\r\x1b[K${progressBar(this.current())}\n`)
    else this.options.write(progressLine(this.current()) + '\n')
  }

  current(): ProgressSnapshot {
    return { ...this.snapshot, elapsedMs: this.now() - this.startedAt }
  }

  private draw(): void {
    this.lastDraw = this.now()
    this.options.write(`\r\x1b[K${progressBar(this.current())}`)
  }
}
