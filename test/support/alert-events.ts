import type { AlertRow } from '../../lib/alerts/alert-row.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'

/** What distinguishes one CCC call from another in the alert tests. */
export interface CallSpec {
  id: string
  /** ISO time (UTC). */
  time: string
  eventName: string
  user?: string
  userType?: string
  address?: string
  errorCode?: string
}

/** An ActionTrail CCC event: the product document's sample with the spec's fields. */
export function cccCall(spec: CallSpec): Record<string, unknown> {
  const sample = seedSampleEvent()
  const identity = sample.userIdentity as Record<string, unknown>
  return {
    ...sample,
    eventId: spec.id,
    requestId: spec.id,
    eventTime: spec.time,
    eventName: spec.eventName,
    sourceIpAddress: spec.address ?? '203.209.240.173',
    userIdentity: { ...identity, userName: spec.user ?? 'alice', type: spec.userType ?? 'ram-user' },
    ...(spec.errorCode ? { errorCode: spec.errorCode, errorMessage: 'refused' } : {}),
  }
}

/** The row the table holds for such a call, as the alert code reads it. */
export function callRow(spec: CallSpec, sourceObject = 'trail/archive-1.gz'): AlertRow {
  return {
    eventId: spec.id,
    time: Date.parse(spec.time),
    dt: spec.time.slice(0, 10),
    eventName: spec.eventName,
    caller: spec.user ?? 'alice',
    userType: spec.userType ?? 'ram-user',
    sourceAddress: spec.address ?? '203.209.240.173',
    errorCode: spec.errorCode ?? null,
    sourceObject,
    instanceId: '13c33db2-41a5-b0d0-e9e96614ad32',
  }
}

/** `n` calls a minute apart from `start` (ISO), ids `${prefix}-<i>`. */
export function burst(n: number, start: string, prefix: string, spec: Omit<CallSpec, 'id' | 'time'>): CallSpec[] {
  return Array.from({ length: n }, (_, i) => ({ ...spec, id: `${prefix}-${i}`, time: new Date(Date.parse(start) + i * 60_000).toISOString() }))
}

/**
 * Calls on 2021-02-03 (Asia/Shanghai working hours 09-18 are 01:00-10:00 UTC) that trip every
 * default rule, each for its own reason.
 */
export function alarmingCalls(): CallSpec[] {
  return [
    // 02:30 in Shanghai: a recording downloaded at night.
    { id: 'night-1', time: '2021-02-03T18:30:00Z', eventName: 'DownloadRecording', user: 'alice' },
    // A newcomer from a new address reading call detail records in working hours.
    { id: 'new-1', time: '2021-02-03T03:00:00Z', eventName: 'ListCallDetailRecords', user: 'mallory', address: '198.51.100.7' },
    // 51 call-detail reads by bob in one hour.
    ...burst(51, '2021-02-03T02:00:00Z', 'bulk', { eventName: 'ListCallDetailRecords', user: 'bob' }),
    // The root account changes a skill group.
    { id: 'root-1', time: '2021-02-03T04:00:00Z', eventName: 'CreateSkillGroup', user: 'root', userType: 'root-account' },
    // 21 refused calls in one hour.
    ...burst(21, '2021-02-03T05:00:00Z', 'denied', { eventName: 'ListUsers', user: 'carol', errorCode: 'Forbidden.NoPermission' }),
  ]
}

/** Calls on 2021-02-03 that trip nothing: known callers and addresses, working hours, under every threshold. */
export function quietCalls(): CallSpec[] {
  return [
    ...burst(50, '2021-02-03T02:00:00Z', 'reads', { eventName: 'ListCallDetailRecords', user: 'bob' }),
    { id: 'dl-1', time: '2021-02-03T03:00:00Z', eventName: 'DownloadRecording', user: 'alice' },
    // Outside working hours but not sensitive (reading configuration).
    { id: 'cfg-1', time: '2021-02-03T18:30:00Z', eventName: 'ListConfig', user: 'alice' },
    ...burst(20, '2021-02-03T05:00:00Z', 'denied', { eventName: 'ListUsers', user: 'carol', errorCode: 'Forbidden.NoPermission' }),
    // Failures that are not refusals do not count towards the spike.
    ...burst(5, '2021-02-03T05:30:00Z', 'throttled', { eventName: 'ListUsers', user: 'carol', errorCode: 'Throttling.User' }),
  ]
}

/** Every caller and address of quietCalls, seen the day before. */
export const QUIET_CALLERS = ['alice', 'bob', 'carol']
export const QUIET_ADDRESSES = ['203.209.240.173']
