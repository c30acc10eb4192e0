import { describe, expect, it } from 'vitest'
import { daysOf, defaultWindow, resolveWindow } from '../../lib/backfill/window.js'
import { WindowError } from '../../lib/errors.js'
import { addDays, parseDay } from '../../lib/util/days.js'

const NOW = new Date('2021-03-01T00:30:00Z')

describe('backfill window', () => {
  it('defaults to yesterday and today in UTC', () => {
    expect(defaultWindow(NOW)).toEqual({ from: '2021-02-28', to: '2021-03-01' })
    expect(resolveWindow({}, NOW)).toEqual({ from: '2021-02-28', to: '2021-03-01' })
  })

  it('fills a missing end: from alone runs to today, to alone is one day', () => {
    expect(resolveWindow({ from: '2021-02-20' }, NOW)).toEqual({ from: '2021-02-20', to: '2021-03-01' })
    expect(resolveWindow({ to: '2021-02-03' }, NOW)).toEqual({ from: '2021-02-03', to: '2021-02-03' })
  })

  it('walks days across month, leap-day and year boundaries', () => {
    expect(daysOf({ from: '2020-12-30', to: '2021-01-02' })).toEqual(['2020-12-30', '2020-12-31', '2021-01-01', '2021-01-02'])
    expect(daysOf({ from: '2020-02-28', to: '2020-03-01' })).toEqual(['2020-02-28', '2020-02-29', '2020-03-01'])
    expect(addDays('2021-12-31', 1)).toBe('2022-01-01')
  })

  it('refuses impossible dates, reversed and oversized windows with the reason', () => {
    expect(parseDay('2021-02-29')).toBeUndefined()
    expect(() => resolveWindow({ from: '2021-02-29' }, NOW)).toThrow('from must be a date YYYY-MM-DD, got "2021-02-29"')
    expect(() => resolveWindow({ from: '20210201', to: '2021-02-02' }, NOW)).toThrow(WindowError)
    expect(() => resolveWindow({ from: '2021-02-05', to: '2021-02-01' }, NOW)).toThrow('from (2021-02-05) is after to (2021-02-01)')
    expect(() => resolveWindow({ from: '2020-01-01', to: '2021-02-01' }, NOW, 366)).toThrow('spans 398 days; at most 366')
  })
})
