import { describe, expect, it } from 'vitest'
import { forwardingLogger, jsonLogger, type Logger } from '../lib/log.js'

describe('forwardingLogger', () => {
  it('writes each line to the logger current at the time, with its own child fields', () => {
    const lines: string[] = []
    let current: Logger = jsonLogger((line) => lines.push(line), 'info', { requestId: 'r1' })
    const log = forwardingLogger(() => current).child({ key: 'k' })
    log.error('first', { uploadId: 'u1' })
    current = jsonLogger((line) => lines.push(line), 'info', { requestId: 'r2' })
    log.error('second')
    log.debug('below the level of the current logger')
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'error', message: 'first', requestId: 'r1', key: 'k', uploadId: 'u1' }),
      expect.objectContaining({ level: 'error', message: 'second', requestId: 'r2', key: 'k' }),
    ])
  })
})
