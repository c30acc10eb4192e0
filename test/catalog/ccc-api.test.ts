import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CCC_API_CATALOG, seedEventNames } from '../../lib/catalog/ccc-api.js'
import { REPO } from '../support/cli.js'

// The product document's table (shared/seed/000_dca42c3e11c9b705.txt), in order: the fixture the core checks use.
const SEED_TABLE: [string, string][] = [
  ['ListConfig', '批量获取配置'],
  ['RefreshToken', '刷新令牌'],
  ['LaunchAppraise', '发送语音满意度'],
  ['ListContactFlows', '获取IVR流程列表'],
  ['AddBulkPhoneNumbers', '批量新增号码'],
  ['GetNumberRegionInfo', '获取号码归属地'],
  ['PickGlobalOutboundNumbers', '按照被叫归属地自主选择号码'],
  ['StartBack2BackCall', '双呼'],
  ['CreateSkillGroup', '创建技能组'],
  ['ListSkillGroups', '获取技能组列表'],
  ['ListSkillGroupsOfUser', '坐席相关联技能组列表'],
  ['ListTransferableSkillGroups', '获取呼叫中心实例的可转接技能组'],
  ['AssignUsers', '导入客服'],
  ['ListUsers', '获取客服列表'],
  ['ListAgentEvents', '查询坐席日志信息'],
  ['DownloadRecording', '下载录音'],
  ['ListCallDetailRecords', '获取通话详单'],
  ['ListAgentSummaryReports', '坐席汇总报表'],
  ['ListSkillGroupSummaryReports', '技能组汇总报表'],
  ['SaveWebRTCStats', '保存WebRTC统计信息'],
  ['GetInstance', '获取呼叫中心实例详情'],
  ['SendPredefinedShortMessage', '发送短信'],
]
const SEED_DOCUMENT = 'shared/seed/000_dca42c3e11c9b705.txt'

/** The seed document in the project's shared/ folder, which sits beside the clone (or a level further up). */
function findSeedDocument(): string | undefined {
  for (let dir = path.dirname(REPO); ; dir = path.dirname(dir)) {
    const file = path.join(dir, SEED_DOCUMENT)
    if (existsSync(file)) return file
    if (path.dirname(dir) === dir) return undefined
  }
}
const seedFile = findSeedDocument()

describe('CCC API catalog', () => {
  it('starts with the seed events, in seed order', () => {
    expect(seedEventNames()).toEqual(SEED_TABLE.map(([name]) => name))
    expect(CCC_API_CATALOG.slice(0, SEED_TABLE.length).map((e) => e.eventName)).toEqual(seedEventNames())
  })

  it('carries the seed meanings verbatim, as 2017-07-05 APIs', () => {
    for (const [name, meaningZh] of SEED_TABLE) {
      const entry = CCC_API_CATALOG.find((e) => e.eventName === name && e.apiVersion === '2017-07-05')
      expect(entry, name).toBeDefined()
      expect(entry?.meaningZh).toBe(meaningZh)
    }
  })

  if (!seedFile) it.skip(`matches the table in the seed document: SKIPPED, no ${SEED_DOCUMENT} beside the repository or above it`, () => undefined)
  else
    it(`matches the table in the seed document (${seedFile})`, () => {
      const rows = [...readFileSync(seedFile, 'utf8').matchAll(/^\| \[(\w+)\][^|]*\|\s*(\S+)\s*\|$/gm)]
      expect(rows.map((m) => [m[1], m[2]])).toEqual(SEED_TABLE)
    })

  it('has one row per (eventName, apiVersion)', () => {
    const keys = CCC_API_CATALOG.map((e) => `${e.eventName}@${e.apiVersion}`)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('has a name, both meanings and a known version on every row', () => {
    for (const entry of CCC_API_CATALOG) {
      expect(entry.eventName).toMatch(/^[A-Z][A-Za-z0-9]+$/)
      expect(entry.meaningEn.trim(), entry.eventName).not.toBe('')
      expect(entry.meaningZh.trim(), entry.eventName).not.toBe('')
      expect(['2017-07-05', '2020-07-01']).toContain(entry.apiVersion)
    }
  })

  it('covers both API versions: 178 names of 2017-07-05, 180 of 2020-07-01', () => {
    const count = (version: string) => CCC_API_CATALOG.filter((e) => e.apiVersion === version).length
    expect(count('2017-07-05')).toBe(178)
    expect(count('2020-07-01')).toBe(180)
  })
})
