import { describe, expect, it } from 'vitest'
import { evaluateRules } from '../../lib/alerts/evaluate.js'
import { alertMessage } from '../../lib/alerts/message.js'
import { DEFAULT_RULES } from '../../lib/alerts/rules.js'
import { parseWorkHours } from '../../lib/report/window.js'
import { burst, callRow } from '../support/alert-events.js'

const workHours = parseWorkHours('09-18', 'Asia/Shanghai')

describe('alertMessage', () => {
  it('stays within DingTalk’s 20,000 bytes however many alerts, most severe first, and counts the rest', () => {
    // 60 new callers each downloading a recording at night: 120 high alerts, and a root call (critical).
    const calls = [
      ...Array.from({ length: 60 }, (_, i) =>
        burst(1, '2021-02-03T18:30:00Z', `dl-${i}`, { eventName: 'DownloadRecording', user: `agent-${i}`, address: `10.0.0.${i}` }),
      ).flat(),
      { id: 'root-1', time: '2021-02-03T04:00:00Z', eventName: 'CreateSkillGroup', user: 'root', userType: 'root-account' },
    ]
    const { alerts } = evaluateRules(
      DEFAULT_RULES,
      calls.map((c) => callRow(c)),
      { workHours, seen: new Map() },
    )
    expect(alerts.length).toBe(181)
    const message = alertMessage(alerts, { dest: 'oss://audit-bucket/ccc-parquet/ccc_events/', workHours })
    expect(Buffer.byteLength(message.markdown)).toBeLessThanOrEqual(20_000)
    expect(message.markdown.split('\n\n**[')[1]).toMatch(/^critical\] root-account/)
    const shown = message.markdown.split('\n\n**[').length - 1
    expect(message.markdown).toContain(`… and ${181 - shown} more alert(s)`)
    expect(message.alerts).toHaveLength(181)
  })
})
