import { describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { camelCaseEvent, isPascalCaseEvent } from '../../lib/normalize/key-case.js'
import { rebuildEvent } from '../../lib/normalize/rebuild.js'
import { eventToRow } from '../../lib/normalize/to-row.js'
import { processArchive } from '../../lib/pipeline.js'
import { COLUMN_NAMES } from '../../lib/schema/columns.js'
import { testPipeline } from '../support/pipeline.js'

type Event = Record<string, unknown>

/** An event spelled as some ActionTrail exports spell it: every field of the event itself capitalised. */
function pascalCase(event: Event): Event {
  const up = (key: string) => (key === 'eventRW' ? 'EventRW' : key.charAt(0).toUpperCase() + key.slice(1))
  const deep = (value: unknown): unknown =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Event).map(([k, v]) => [up(k), deep(v)]))
      : value
  return Object.fromEntries(Object.entries(event).map(([key, value]) => [up(key), key === 'userIdentity' ? deep(value) : value]))
}

const sample = (): Event => ({
  ...seedSampleEvent(),
  eventRW: 'Read',
  vpcId: 'vpc-1',
  userIdentity: {
    type: 'ram-user',
    accountId: '1059804828509',
    userName: 'ops',
    sessionContext: { attributes: { mfaAuthenticated: 'true', creationDate: 'c' } },
  },
})

const rowOf = (event: Event) => {
  const verdict = eventToRow(event, 'k.gz')
  if (verdict.kind !== 'row') throw new Error(`expected a row, got ${JSON.stringify(verdict)}`)
  return Object.fromEntries(COLUMN_NAMES.map((name, i) => [name, verdict.row[i]]))
}

describe('ActionTrail events in the PascalCase form of some exports', () => {
  it('are recognised, and only when none of the delivered form markers is there', () => {
    expect(isPascalCaseEvent(pascalCase(sample()))).toBe(true)
    expect(isPascalCaseEvent(sample())).toBe(false)
    expect(isPascalCaseEvent({ ...pascalCase(sample()), eventId: 'x' })).toBe(false)
    expect(isPascalCaseEvent({ Foo: 1 })).toBe(false)
  })

  it('become the same row as the delivered form, field for field', () => {
    expect(rowOf(pascalCase(sample()))).toEqual(rowOf(sample()))
    expect(rowOf(pascalCase(sample()))).toMatchObject({ service_name: 'CloudCallCenter', event_rw: 'Read', mfa_authenticated: true, user_name: 'ops' })
  })

  it('keep API parameter names as they are, and rebuild in the delivered form', () => {
    const row = rowOf(pascalCase(sample()))
    expect(JSON.parse(row.request_parameters as string)).toHaveProperty('InstanceId')
    expect(JSON.parse(row.unmapped as string)).toEqual({ vpcId: 'vpc-1', userIdentity: { sessionContext: { attributes: { creationDate: 'c' } } } })
    const rebuilt = rebuildEvent(row, { eventName: 'ListConfig' })
    expect(rebuilt).toEqual(expect.objectContaining({ eventId: sample().eventId, eventRW: 'Read', vpcId: 'vpc-1' }))
  })

  it('are quarantined with their own reason when two keys differ only in the case of their first letter', () => {
    const event = { ...pascalCase(sample()), userAgent: 'x' }
    expect(camelCaseEvent(event)).toEqual({ kind: 'conflict', keys: ['UserAgent', 'userAgent'] })
    expect(eventToRow(event, 'k.gz')).toMatchObject({ kind: 'quarantine', reason: 'event_key_case_conflict' })
  })

  it('are converted through the whole pipeline, byte pre-filter included: never counted as non-CCC', async () => {
    const pipeline = await testPipeline()
    const other = pascalCase({ ...sample(), serviceName: 'Ecs', eventSource: 'ecs.aliyuncs.com', requestParameters: {} })
    const key = await putArchive(pipeline.source, [pascalCase(sample()), other])
    const result = await processArchive(pipeline, key)
    expect(result.counts).toEqual({ events: 2, rows: 1, nonCcc: 1, quarantined: 0 })
  })
})
