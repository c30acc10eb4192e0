import { describe, expect, it } from 'vitest'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { isCccEvent } from '../../lib/normalize/ccc-filter.js'
import { elementToRow, eventToRow } from '../../lib/normalize/to-row.js'
import { COLUMN_NAMES } from '../../lib/schema/columns.js'

const rowOf = (event: Record<string, unknown>) => {
  const verdict = eventToRow(event, 'k.gz')
  if (verdict.kind !== 'row') throw new Error(`expected a row, got ${verdict.kind}`)
  return Object.fromEntries(COLUMN_NAMES.map((name, i) => [name, verdict.row[i]]))
}

describe('CCC filter', () => {
  it('keeps events by serviceName, eventSource or AcsProduct', () => {
    expect(isCccEvent({ serviceName: 'CloudCallCenter' })).toBe(true)
    expect(isCccEvent({ eventSource: 'ccc.aliyuncs.com' })).toBe(true)
    expect(isCccEvent({ requestParameters: { AcsProduct: 'CCC' } })).toBe(true)
    expect(isCccEvent({ serviceName: 'Ecs', eventSource: 'ecs.aliyuncs.com' })).toBe(false)
    expect(isCccEvent({ serviceName: 'AasSub', eventType: 'ConsoleSignin' })).toBe(false)
    expect(isCccEvent({ serviceName: 'Ecs' }, new Set(['Ecs']))).toBe(true)
  })
})

describe('event to row', () => {
  it('coerces the loosely typed fields', () => {
    const row = rowOf({
      ...seedSampleEvent(),
      eventVersion: '1',
      userIdentity: { accountId: 1059804828509, sessionContext: { attributes: { mfaAuthenticated: 'true' } } },
      errorCode: '',
      isGlobal: 'false',
    })
    expect(row).toMatchObject({
      event_version: 1,
      account_id: '1059804828509',
      mfa_authenticated: true,
      error_code: null,
      is_global: false,
      source_object: 'k.gz',
    })
    expect(row.event_time).toBe(Date.UTC(2021, 1, 3, 4, 10, 8))
  })

  it('leaves missing fields null', () => {
    const row = rowOf({ serviceName: 'CloudCallCenter', eventTime: '2021-02-03T04:10:08Z' })
    expect(
      Object.entries(row)
        .filter(([, v]) => v !== null)
        .map(([k]) => k),
    ).toEqual(['event_time', 'service_name', 'source_object'])
  })

  it('skips non-CCC events before looking at their time', () => {
    expect(eventToRow({ serviceName: 'Ecs' }, 'k')).toEqual({ kind: 'not_ccc' })
  })

  it('quarantines undatable CCC events with a reason', () => {
    expect(eventToRow({ serviceName: 'CloudCallCenter' }, 'k')).toMatchObject({ kind: 'quarantine', reason: 'event_time_missing' })
    expect(eventToRow({ serviceName: 'CloudCallCenter', eventTime: 'soon' }, 'k')).toMatchObject({ kind: 'quarantine', reason: 'event_time_invalid' })
  })

  it('quarantines elements that are not JSON objects', () => {
    expect(elementToRow({ text: '[1]', bytes: 3 }, 'k')).toMatchObject({ kind: 'quarantine', reason: 'event_not_object' })
    expect(elementToRow({ text: '{"a":1234****5678}', bytes: 18 }, 'k')).toMatchObject({ kind: 'quarantine', reason: 'event_invalid_json' })
    expect(elementToRow({ tooLarge: true, bytes: 99, head: '{' }, 'k')).toMatchObject({ kind: 'quarantine', reason: 'event_too_large' })
  })
})
