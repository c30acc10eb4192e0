import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_RULES, parseRules } from '../../lib/alerts/rules.js'
import { loadConfig } from '../../lib/config.js'
import { ConfigError } from '../../lib/errors.js'
import { tempDir } from '../support/temp.js'

function refusal(text: string): ConfigError {
  try {
    parseRules(text)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  return expect.unreachable('the rules were accepted')
}

describe('alert rules files', () => {
  it('reads YAML and JSON into the same rules', () => {
    const yaml = `
rules:
  - name: night-admin
    severity: high
    description: Administrative change at night
    when:
      category: [administration, configuration]
      sensitive: true
      outside_work_hours: true
  - name: many-failures-per-address
    severity: medium
    when: { failed: true }
    count: { by: source_address, above: 100 }
`
    const json = JSON.stringify({
      rules: [
        {
          name: 'night-admin',
          severity: 'high',
          description: 'Administrative change at night',
          when: { category: ['administration', 'configuration'], sensitive: true, outside_work_hours: true },
        },
        { name: 'many-failures-per-address', severity: 'medium', when: { failed: true }, count: { by: 'source_address', above: 100 } },
      ],
    })
    expect(parseRules(yaml)).toEqual(parseRules(json))
    expect(parseRules(yaml)[1]).toEqual({
      name: 'many-failures-per-address',
      severity: 'medium',
      description: 'many-failures-per-address',
      when: { failed: true },
      count: { by: 'source_address', above: 100 },
    })
  })

  it('adds the default rules when asked, letting a file rule of the same name replace one', () => {
    const rules = parseRules('include_defaults: true\nrules:\n  - {name: root-account, severity: low, when: {user_type: [root-account]}}\n')
    expect(rules.map((r) => r.name).sort()).toEqual(DEFAULT_RULES.map((r) => r.name).sort())
    expect(rules.find((r) => r.name === 'root-account')?.severity).toBe('low')
  })

  it('keeps API names out of the default rules: they select by category and sensitive', () => {
    for (const rule of DEFAULT_RULES) expect(Object.keys(rule.when).every((k) => k !== 'event_name')).toBe(true)
    expect(parseRules(JSON.stringify({ rules: DEFAULT_RULES }))).toEqual(DEFAULT_RULES)
  })

  it.each([
    ['rules: [{name: night, severity: urgent, when: {sensitive: true}}]', 'rule "night"', '"severity"'],
    ['rules: [{name: night, severity: high, when: {category: [recordings]}}]', 'rule "night"', '"when.category"'],
    ['rules: [{name: night, severity: high, when: {event_name: [DownloadRecording]}}]', 'rule "night"', '"when.event_name"'],
    ['rules: [{name: night, severity: high, when: {}}]', 'rule "night"', '"when"'],
    ['rules: [{name: burst, severity: high, when: {sensitive: true}, count: {by: caller, above: -3}}]', 'rule "burst"', '"count.above"'],
    ['rules: [{name: burst, severity: high, when: {sensitive: true}, count: {by: instance, above: 3}}]', 'rule "burst"', '"count.by"'],
    ['rules: [{name: fresh, severity: high, when: {sensitive: true}, new: {of: caller, days: 0}}]', 'rule "fresh"', '"new.days"'],
    ['rules: [{name: fresh, severity: high, when: {sensitive: true}, new: {of: access_key}}]', 'rule "fresh"', '"new.of"'],
    ['rules: [{name: both, severity: high, when: {sensitive: true}, new: {of: caller}, count: {by: all, above: 1}}]', 'rule "both"', '"new" and "count"'],
    ['rules: [{name: Night Calls, severity: high, when: {sensitive: true}}]', 'rule #1', '"name"'],
    ['rules: [{severity: high, when: {sensitive: true}}]', 'rule #1', '"name"'],
    ['rules: [{name: a, severity: high, when: {sensitive: yes please}}]', 'rule "a"', '"when.sensitive"'],
    ['rules: [{name: a, severity: high, when: {sensitive: true}}, {name: a, severity: low, when: {failed: true}}]', 'rule "a"', '"name"'],
    ['rules: {name: a}', 'the rules file', '"rules"'],
    ['rules: [a: [', 'the rules file', 'YAML'],
  ])('refuses %s naming %s and %s', (text, where, field) => {
    const error = refusal(text)
    expect(error.setting).toBe('ALERT_RULES')
    expect(error.message).toContain(where)
    expect(error.message).toContain(field)
  })

  it('fails at start-up (loadConfig) on a bad file or a bad webhook setting, naming the setting', async () => {
    const dir = await tempDir('alert-rules')
    const file = path.join(dir, 'alerts.yaml')
    await writeFile(file, 'rules: [{name: night, severity: high, when: {outside_work_hours: maybe}}]')
    const cases: [Record<string, string>, string, string][] = [
      [{ ALERT_RULES: file }, 'ALERT_RULES', 'rule "night": field "when.outside_work_hours"'],
      [{ ALERT_RULES: path.join(dir, 'missing.yaml') }, 'ALERT_RULES', 'cannot read'],
      [{ ALERT_WEBHOOK_KIND: 'slack' }, 'ALERT_WEBHOOK_KIND', 'slack'],
      [{ ALERT_WEBHOOK_URL: 'ftp://robot' }, 'ALERT_WEBHOOK_URL', 'http'],
      [{ ALERT_WORK_HOURS: '9 to 5' }, 'ALERT_WORK_HOURS', '9 to 5'],
      [{ ALERT_TIME_ZONE: 'Mars/Olympus' }, 'ALERT_TIME_ZONE', 'Mars/Olympus'],
    ]
    for (const [env, setting, text] of cases) {
      expect(() => loadConfig({ DEST: dir, ...env }), setting).toThrow(ConfigError)
      try {
        loadConfig({ DEST: dir, ...env })
      } catch (error) {
        expect((error as ConfigError).setting).toBe(setting)
        expect((error as Error).message).toContain(text)
      }
    }
    const config = loadConfig({ DEST: dir, ALERT_WEBHOOK_URL: 'https://oapi.dingtalk.com/robot/send?access_token=t', ALERT_WEBHOOK_SECRET: 'SECabc' })
    expect(config.alerts.webhook).toEqual({ kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'SECabc' })
    expect(config.alerts.rules).toBe(DEFAULT_RULES)
    expect(loadConfig({ DEST: dir }).alerts.webhook).toBeUndefined()
    // The JSON itself, for a function whose code package holds no rules file.
    const inline = loadConfig({ DEST: dir, ALERT_RULES: '{"rules": [{"name": "root", "severity": "critical", "when": {"user_type": "root-account"}}]}' })
    expect(inline.alerts.rules).toEqual([{ name: 'root', severity: 'critical', description: 'root', when: { user_type: ['root-account'] } }])
  })
})
