import { describe, expect, it } from 'vitest'
import { API_CATEGORIES, classifyApi } from '../../lib/catalog/api-category.js'
import { CCC_API_CATALOG } from '../../lib/catalog/ccc-api.js'

// The decisions an auditor relies on, one or more names per rule.
const EXPECTED: [name: string, category: string, sensitive: boolean][] = [
  ['DownloadRecording', 'customer_data', true],
  ['ListCallDetailRecords', 'customer_data', true],
  ['GetConversationDetail', 'customer_data', true],
  ['DownloadUnreachableContacts', 'customer_data', true],
  ['MonitorCall', 'customer_data', true],
  ['ListAgentSummaryReports', 'reporting', true],
  ['ListAgentEvents', 'reporting', true],
  ['ListRealtimeAgentStates', 'reporting', false],
  ['AssignUsers', 'administration', true],
  ['RemoveUsers', 'administration', true],
  ['CreateSkillGroup', 'administration', true],
  ['AddBulkPhoneNumbers', 'administration', true],
  ['ResetUserPassword', 'administration', true],
  ['ModifyInstance', 'administration', true],
  ['ListUsers', 'administration', false],
  ['GetInstance', 'administration', false],
  ['PickGlobalOutboundNumbers', 'administration', false],
  ['UpdateConfigItems', 'configuration', true],
  ['PublishContactFlow', 'configuration', true],
  ['CreateCallTags', 'configuration', true],
  ['ListConfig', 'configuration', false],
  ['ListContactFlows', 'configuration', false],
  ['CreateCampaign', 'outbound', false],
  ['SubmitBatchJobs', 'outbound', false],
  ['RefreshToken', 'telephony', false],
  ['SaveWebRTCStats', 'telephony', false],
  ['StartBack2BackCall', 'telephony', false],
  ['LaunchSurvey', 'telephony', false],
  ['ResetUserStatus', 'telephony', false],
  ['SendPredefinedShortMessage', 'telephony', false],
]

describe('API categories', () => {
  it.each(EXPECTED)('%s is %s (sensitive: %s)', (name, category, sensitive) => {
    expect(classifyApi(name)).toEqual({ category, sensitive })
    for (const entry of CCC_API_CATALOG.filter((e) => e.eventName === name))
      expect({ category: entry.category, sensitive: entry.sensitive }).toEqual({ category, sensitive })
  })

  it('gives every catalog row a known category and a flag', () => {
    for (const entry of CCC_API_CATALOG) {
      expect(API_CATEGORIES, entry.eventName).toContain(entry.category)
      expect(typeof entry.sensitive, entry.eventName).toBe('boolean')
    }
  })

  it('uses every category, and flags sensitive names in customer data, reporting, administration and configuration only', () => {
    expect(new Set(CCC_API_CATALOG.map((e) => e.category))).toEqual(new Set(API_CATEGORIES))
    const flagged = new Set(CCC_API_CATALOG.filter((e) => e.sensitive).map((e) => e.category))
    expect(flagged).toEqual(new Set(['customer_data', 'reporting', 'administration', 'configuration']))
    expect(CCC_API_CATALOG.filter((e) => e.category === 'customer_data').every((e) => e.sensitive)).toBe(true)
  })

  it('answers nothing for a name no rule knows, so the catalog refuses to build rather than guess', () => {
    expect(classifyApi('Xyzzy')).toBeUndefined()
  })
})
