import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../lib/config.js'
import { routeObject } from '../../lib/fc/object-route.js'
import { type OssEventRecordParts, ossTriggerEvent, parseOssEvent } from '../../lib/fc/oss-event.js'

const archive = 'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/Actiontrail_cn-shanghai_20210203041500_1002_2_1234_0123456789abcdef0123456789abcdef.gz'
const record = (parts: OssEventRecordParts) => parseOssEvent(ossTriggerEvent([parts]))[0]!
const deployed = loadConfig({ SOURCE_BUCKET: 'trail-bucket', SOURCE_PREFIX: 'trail/', DEST_PREFIX: 'ccc-parquet/ccc_events/' })

describe('routeObject', () => {
  it('processes an archive under the source prefix of the configured bucket', () => {
    expect(routeObject(deployed, record({ bucket: 'trail-bucket', key: `trail/${archive}` }))).toEqual({
      action: 'process',
      key: `trail/${archive}`,
      decodedKey: false,
      source: { kind: 'oss', bucket: 'trail-bucket', prefix: 'trail/' },
    })
  })

  it('ignores objects under the table prefix, so outputs can never trigger more work', () => {
    const route = routeObject(deployed, record({ bucket: 'trail-bucket', key: `ccc-parquet/ccc_events/${archive}` }))
    expect(route).toMatchObject({ action: 'ignore', reason: 'under_destination' })
  })

  it('refuses keys outside SOURCE_PREFIX and buckets other than the configured one', () => {
    expect(routeObject(deployed, record({ bucket: 'trail-bucket', key: archive }))).toMatchObject({
      action: 'refuse',
      reason: 'outside_source_prefix',
      detail: 'the key is outside SOURCE_PREFIX "trail/"',
    })
    expect(routeObject(deployed, record({ bucket: 'someone-else', key: `trail/${archive}` }))).toMatchObject({
      action: 'refuse',
      reason: 'bucket_not_configured',
    })
  })

  it('ignores notifications that create nothing', () => {
    expect(routeObject(deployed, record({ bucket: 'trail-bucket', key: `trail/${archive}`, eventName: 'ObjectRemoved:DeleteObject' }))).toMatchObject({
      action: 'ignore',
      reason: 'not_object_created',
    })
  })

  it('takes the bucket from the event when no source is configured', () => {
    const config = loadConfig({ DEST_BUCKET: 'lake' })
    expect(routeObject(config, record({ bucket: 'any-bucket', key: archive }))).toMatchObject({
      action: 'process',
      source: { kind: 'oss', bucket: 'any-bucket', prefix: '' },
    })
  })

  it('reads from the configured folder for local runs, ignoring the event bucket', () => {
    const config = loadConfig({ SOURCE: '/data/trail', DEST: '/data/trail/table' })
    expect(routeObject(config, record({ bucket: 'my-actiontrail-bucket', key: archive }))).toMatchObject({
      action: 'process',
      source: { kind: 'fs', root: path.resolve('/data/trail') },
    })
    expect(routeObject(config, record({ bucket: 'my-actiontrail-bucket', key: `table/${archive}` }))).toMatchObject({
      action: 'ignore',
      reason: 'under_destination',
    })
  })

  it('decodes a percent-encoded key before deciding', () => {
    const config = loadConfig({ SOURCE_BUCKET: 'trail-bucket', SOURCE_PREFIX: 'ccc trail/' })
    expect(routeObject(config, record({ bucket: 'trail-bucket', key: `ccc%20trail/${archive}` }))).toMatchObject({
      action: 'process',
      key: `ccc trail/${archive}`,
      decodedKey: true,
    })
  })
})
