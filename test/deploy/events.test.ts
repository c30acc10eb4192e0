import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { timerOrDirectPayload } from '../../lib/fc/event-body.js'
import { parseOssEvent } from '../../lib/fc/oss-event.js'
import { classifyKey } from '../../lib/source/archive-key.js'

/** The sample events under deploy/events/ are what `s invoke --event-file` sends: they must match s.yaml. */

const read = (name: string) => readFileSync(new URL(`../../deploy/events/${name}`, import.meta.url))
const yaml = parse(readFileSync(new URL('../../s.yaml', import.meta.url), 'utf8')) as {
  vars: Record<string, string>
  resources: Record<string, { props: { functionName: string; triggers: { triggerType: string; triggerConfig: Record<string, unknown> }[] } }>
}
const triggersOf = (name: string) => Object.values(yaml.resources).find((r) => r.props.functionName === name)!.props.triggers

describe('deploy/events', () => {
  it('oss-put.json is an event the deployed OSS trigger would send for an ActionTrail archive', () => {
    const [record, ...more] = parseOssEvent(read('oss-put.json'))
    expect(more).toEqual([])
    expect(record).toMatchObject({ bucket: yaml.vars.bucket, region: yaml.vars.region, eventName: 'ObjectCreated:PutObject' })
    const filter = (triggersOf('ccc-trail-oss-trigger')[0]!.triggerConfig as { filter: { key: { prefix: string; suffix: string } } }).filter.key
    const prefix = filter.prefix.replace('${vars.sourcePrefix}', yaml.vars.sourcePrefix!)
    expect(record!.key.startsWith(prefix) && record!.key.endsWith(filter.suffix)).toBe(true)
    expect(classifyKey(record!.key).kind).toBe('archive')
  })

  it('timer.json carries the payload of the deployed timer triggers', () => {
    const { request, timer } = timerOrDirectPayload(read('timer.json'))
    expect(timer).toBeDefined()
    for (const name of ['ccc-trail-backfill', 'ccc-trail-compact']) {
      const payload = (triggersOf(name)[0]!.triggerConfig as { payload: string }).payload
      expect(request, name).toEqual(JSON.parse(payload))
    }
  })

  it('backfill-window.json is a manual backfill request for one month', () => {
    expect(timerOrDirectPayload(read('backfill-window.json'))).toEqual({ request: { from: '2021-02-01', to: '2021-02-28' } })
  })
})
