import { describe, expect, it } from 'vitest'
import { describeWorkHours, parseWorkHours, resolveWindow } from '../../lib/report/window.js'

describe('report window', () => {
  it('defaults to the seven days ending at the newest day, with the seven before them', () => {
    expect(resolveWindow(undefined, undefined, { oldest: '2021-01-01', newest: '2021-03-02' })).toEqual({
      from: '2021-02-24',
      to: '2021-03-02',
      previousFrom: '2021-02-17',
      previousTo: '2021-02-23',
      days: 7,
    })
  })

  it('starts no earlier than the oldest day when the table holds less than a week', () => {
    expect(resolveWindow(undefined, undefined, { oldest: '2021-02-28', newest: '2021-03-02' })).toEqual({
      from: '2021-02-28',
      to: '2021-03-02',
      previousFrom: '2021-02-25',
      previousTo: '2021-02-27',
      days: 3,
    })
    expect(resolveWindow(undefined, '2021-03-02', { oldest: '2021-02-28', newest: '2021-03-02' })).toMatchObject({ from: '2021-02-24' })
  })

  it('takes seven days from --from or up to --to, and both as given', () => {
    expect(resolveWindow('2021-02-01', undefined, { newest: '2021-05-01' })).toMatchObject({ from: '2021-02-01', to: '2021-02-07' })
    expect(resolveWindow(undefined, '2021-02-07', { newest: '2021-05-01' })).toMatchObject({ from: '2021-02-01', to: '2021-02-07' })
    expect(resolveWindow('2021-02-01', '2021-02-01')).toEqual({
      from: '2021-02-01',
      to: '2021-02-01',
      previousFrom: '2021-01-31',
      previousTo: '2021-01-31',
      days: 1,
    })
  })

  it('ends today when the table is empty', () => {
    expect(resolveWindow(undefined, undefined, {}, new Date('2026-11-30T10:00:00Z'))).toMatchObject({ from: '2026-11-24', to: '2026-11-30' })
  })

  it('refuses dates that are not days, and a window that ends before it starts', () => {
    expect(() => resolveWindow('2021-02-31', undefined)).toThrow('--from must be a date YYYY-MM-DD, got "2021-02-31"')
    expect(() => resolveWindow(undefined, 'yesterday')).toThrow('--to must be a date')
    expect(() => resolveWindow('2021-02-05', '2021-02-01')).toThrow('--from 2021-02-05 is after --to 2021-02-01')
  })
})

describe('working hours', () => {
  it('parses start-end hours and checks the time zone', () => {
    expect(parseWorkHours()).toEqual({ start: 9, end: 18, timeZone: 'Asia/Shanghai' })
    expect(parseWorkHours('8-20', 'Europe/Berlin')).toEqual({ start: 8, end: 20, timeZone: 'Europe/Berlin' })
    expect(() => parseWorkHours('9to5')).toThrow('--work-hours must look like 09-18')
    expect(() => parseWorkHours('25-26')).toThrow('--work-hours')
    expect(() => parseWorkHours('09-09')).toThrow('--work-hours')
    expect(() => parseWorkHours('09-18', 'Mars/Olympus')).toThrow('--time-zone must be an IANA time zone')
  })

  it('describes the hours as the page states them', () => {
    expect(describeWorkHours(parseWorkHours())).toBe('09:00–18:00 Asia/Shanghai')
    expect(describeWorkHours(parseWorkHours('22-06', 'UTC'))).toBe('22:00–06:00 UTC')
  })
})
