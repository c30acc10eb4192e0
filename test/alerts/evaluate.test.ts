import { describe, expect, it } from 'vitest'
import { evaluateRules, type HourCounts, hourCounts, sightingKey } from '../../lib/alerts/evaluate.js'
import { DEFAULT_RULES } from '../../lib/alerts/rules.js'
import { parseWorkHours } from '../../lib/report/window.js'
import { alarmingCalls, burst, callRow, QUIET_ADDRESSES, QUIET_CALLERS, quietCalls } from '../support/alert-events.js'

const workHours = parseWorkHours('09-18', 'Asia/Shanghai')
const DAY = 86_400_000
const dayBefore = Date.parse('2021-02-02T03:00:00Z')

/** The quiet corpus's callers and addresses, seen the day before. */
const seen = new Map([
  ...QUIET_CALLERS.map((c) => [sightingKey('caller', c), dayBefore] as const),
  ...QUIET_ADDRESSES.map((a) => [sightingKey('source_address', a), dayBefore] as const),
])

const fired = (alerts: { rule: string; subject: string; count: number }[]) => alerts.map((a) => `${a.rule} ${a.subject} ${a.count}`).sort()

describe('evaluateRules with the default rules', () => {
  it('fires every default rule on the alarming corpus, each for its own reason', () => {
    const { alerts } = evaluateRules(
      DEFAULT_RULES,
      alarmingCalls().map((c) => callRow(c)),
      { workHours, seen },
    )
    expect(fired(alerts)).toEqual(
      [
        'sensitive-after-hours alice 1',
        'new-caller-customer-data mallory 1',
        'new-address-customer-data 198.51.100.7 1',
        'customer-data-burst bob 51',
        'root-account root 1',
        'failure-spike all 21',
      ].sort(),
    )
    expect(new Set(alerts.map((a) => a.rule))).toEqual(new Set(DEFAULT_RULES.map((r) => r.name)))
  })

  it('stays quiet on the clean corpus', () => {
    const { alerts } = evaluateRules(
      DEFAULT_RULES,
      quietCalls().map((c) => callRow(c)),
      { workHours, seen },
    )
    expect(alerts).toEqual([])
  })

  it('gives the same alert ids when the same rows are evaluated again, in any order', () => {
    const rows = alarmingCalls().map((c) => callRow(c))
    const first = evaluateRules(DEFAULT_RULES, rows, { workHours, seen }).alerts.map((a) => a.id)
    const again = evaluateRules(DEFAULT_RULES, [...rows].reverse(), { workHours, seen }).alerts.map((a) => a.id)
    expect(new Set(again)).toEqual(new Set(first))
    expect(new Set(first).size).toBe(first.length)
  })

  it('counts a value as new only when its last sighting is older than the rule days', () => {
    const row = callRow({ id: 'x', time: '2021-02-03T03:00:00Z', eventName: 'ListCallDetailRecords', user: 'dave', address: '203.209.240.173' })
    const at = (days: number) => new Map([...seen, [sightingKey('caller', 'dave'), row.time - days * DAY]])
    const rules = DEFAULT_RULES.filter((r) => r.name === 'new-caller-customer-data')
    expect(evaluateRules(rules, [row], { workHours, seen: at(29) }).alerts).toEqual([])
    expect(evaluateRules(rules, [row], { workHours, seen: at(31) }).alerts).toHaveLength(1)
    // A later sighting (a late event) is a sighting too.
    expect(evaluateRules(rules, [row], { workHours, seen: at(-1) }).alerts).toEqual([])
  })

  it('adds the hours other archives contributed before deciding a count rule', () => {
    const rules = DEFAULT_RULES.filter((r) => r.name === 'customer-data-burst')
    const rows = burst(30, '2021-02-03T02:00:00Z', 'half', { eventName: 'ListCallDetailRecords', user: 'bob' }).map((c) => callRow(c, 'trail/b.gz'))
    const own = hourCounts(rules, rows, workHours)
    expect(evaluateRules(rules, rows, { workHours, seen }).alerts).toEqual([])
    const prior: HourCounts = new Map([['customer-data-burst', new Map([[Date.parse('2021-02-03T02:00:00Z'), new Map([['bob', 21]])]])]])
    const [alert] = evaluateRules(rules, rows, { workHours, seen, priorCounts: prior }).alerts
    expect(alert).toMatchObject({ subject: 'bob', count: 51 })
    expect(own.get('customer-data-burst')?.get(Date.parse('2021-02-03T02:00:00Z'))?.get('bob')).toBe(30)
    // The other archive of that hour, evaluated after both wrote their counts, gives the same alert.
    const otherRows = burst(21, '2021-02-03T02:31:00Z', 'other', { eventName: 'ListCallDetailRecords', user: 'bob' }).map((c) => callRow(c, 'trail/a.gz'))
    const fromOther = evaluateRules(rules, otherRows, { workHours, seen, priorCounts: own }).alerts
    expect(fromOther.map((a) => a.id)).toEqual([alert.id])
  })

  it('reports the newest sighting of every caller and address', () => {
    const { sightings } = evaluateRules(
      [],
      quietCalls().map((c) => callRow(c)),
      { workHours, seen: new Map() },
    )
    expect(sightings.get(sightingKey('caller', 'alice'))?.time).toBe(Date.parse('2021-02-03T18:30:00Z'))
    expect([...sightings.values()].map((s) => s.value).sort()).toEqual([...QUIET_CALLERS, ...QUIET_ADDRESSES].sort())
  })

  it('reads working hours on the local clock, a night shift across midnight included', () => {
    const rules = DEFAULT_RULES.filter((r) => r.name === 'sensitive-after-hours')
    const night = parseWorkHours('22-06', 'Asia/Shanghai')
    const at = (time: string) => callRow({ id: time, time, eventName: 'DownloadRecording' })
    // 23:30 and 05:30 in Shanghai are the night shift's working time; 12:00 is outside it.
    const fire = (time: string, hours = night) => evaluateRules(rules, [at(time)], { workHours: hours, seen }).alerts.length
    expect([fire('2021-02-03T15:30:00Z'), fire('2021-02-02T21:30:00Z'), fire('2021-02-03T04:00:00Z')]).toEqual([0, 0, 1])
    expect(fire('2021-02-03T04:00:00Z', workHours)).toBe(0)
  })
})
