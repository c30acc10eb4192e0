import { InvalidEventError } from '../errors.js'
import { eventJson } from './event-body.js'

/** One object notification of an FC OSS trigger, validated. */
export interface OssObjectEvent {
  /** Without the `oss:` prefix, e.g. `ObjectCreated:PutObject`. */
  eventName: string
  region: string
  bucket: string
  /** The key as delivered (see `resolveObjectKey` for percent-encoded keys). */
  key: string
  size?: number
  eTag?: string
  eventTime?: string
}

/**
 * Parses an OSS trigger payload `{"events":[{eventName, eventSource:"acs:oss", region,
 * oss:{bucket:{name}, object:{key, size, eTag}}}, ...]}`. Every record must be an OSS record with a
 * bucket name and a key; the error names the first record that is not.
 */
export function parseOssEvent(event: unknown): OssObjectEvent[] {
  const json = eventJson(event, 'OSS trigger event') as { events?: unknown }
  if (typeof json !== 'object' || json === null || !Array.isArray(json.events)) {
    throw new InvalidEventError('OSS trigger event has no "events" array; is this function invoked by an OSS trigger? (see deploy/events/oss-put.json)')
  }
  if (json.events.length === 0) throw new InvalidEventError('OSS trigger event has an empty "events" array')
  return json.events.map((record, index) => parseRecord(record, index))
}

function parseRecord(record: unknown, index: number): OssObjectEvent {
  const fail = (what: string) => new InvalidEventError(`OSS trigger event: events[${index}] ${what}`)
  const r = (record ?? {}) as Record<string, unknown>
  if (typeof record !== 'object' || record === null) throw fail('is not an object')
  if (r.eventSource !== 'acs:oss') throw fail(`has eventSource ${JSON.stringify(r.eventSource)}, expected "acs:oss"`)
  const oss = (r.oss ?? {}) as { bucket?: Record<string, unknown>; object?: Record<string, unknown> }
  const bucket = oss.bucket?.name
  const key = oss.object?.key
  if (typeof bucket !== 'string' || bucket === '') throw fail('has no oss.bucket.name')
  if (typeof key !== 'string' || key === '') throw fail('has no oss.object.key')
  const parsed: OssObjectEvent = {
    eventName: typeof r.eventName === 'string' ? r.eventName.replace(/^oss:/, '') : '',
    region: typeof r.region === 'string' ? r.region : '',
    bucket,
    key,
  }
  const size = Number(oss.object?.size)
  if (oss.object?.size !== undefined && Number.isFinite(size)) parsed.size = size
  if (typeof oss.object?.eTag === 'string') parsed.eTag = oss.object.eTag
  if (typeof r.eventTime === 'string') parsed.eventTime = r.eventTime
  return parsed
}

/** Object-created notifications carry a new version to convert; anything else (removals, ACL changes) does not. */
export function isObjectCreated(event: OssObjectEvent): boolean {
  return event.eventName.startsWith('ObjectCreated:')
}

export interface OssEventRecordParts {
  bucket: string
  key: string
  /** Default `ObjectCreated:PutObject`. */
  eventName?: string
  /** Default cn-shanghai. */
  region?: string
  size?: number
  eTag?: string
  accountId?: string
}

/** An OSS trigger event in the shape FC delivers, for local runs and tests. */
export function ossTriggerEvent(records: OssEventRecordParts[], eventTime = new Date()): { events: unknown[] } {
  return {
    events: records.map((r) => {
      const region = r.region ?? 'cn-shanghai'
      const owner = r.accountId ?? '1234567890123456'
      return {
        eventName: r.eventName ?? 'ObjectCreated:PutObject',
        eventSource: 'acs:oss',
        eventTime: eventTime.toISOString(),
        eventVersion: '1.0',
        oss: {
          bucket: { arn: `acs:oss:${region}:${owner}:${r.bucket}`, name: r.bucket, ownerIdentity: owner },
          object: { deltaSize: r.size ?? 0, eTag: r.eTag ?? '', key: r.key, size: r.size ?? 0 },
          ossSchemaVersion: '1.0',
          ruleId: 'ccc-trail-test-rule',
        },
        region,
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { requestId: 'CCCTRAILTESTREQUEST0000' },
        userIdentity: { principalId: owner },
      }
    }),
  }
}
