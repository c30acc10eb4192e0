/**
 * What an auditor needs to know about a CCC API name: the area it belongs to and whether every
 * call of it deserves review. Derived from the name's verb and subject, so every catalog row
 * (and every name added later) gets an answer; test/catalog/api-category.test.ts pins the
 * decisions for representative names.
 */
export const API_CATEGORIES = ['customer_data', 'reporting', 'administration', 'configuration', 'outbound', 'telephony'] as const
export type ApiCategory = (typeof API_CATEGORIES)[number]

export interface ApiClass {
  category: ApiCategory
  sensitive: boolean
}

// First match wins: the workbench's own upload calls (Save*) are telephony whatever they save;
// tag and survey definitions are configuration even though their names mention calls; a
// supervisor listening in on a call is reaching customer data.
const RULES: readonly (readonly [ApiCategory, RegExp])[] = [
  ['telephony', /^Save/],
  [
    'customer_data',
    /Recording|CallDetail|CallRecords|Conversation|ContactIdentify|ContactInfo|UnreachableContacts|CallEventDetail|IvrTrackingDetail|Video|ExportDoNotCall|RecordOss|^(Monitor|BargeIn|Coach|Intercept)Call$|^ListAttempts$|^ListCases$|^Encrypt$/,
  ],
  ['reporting', /Report|Statistic|Stats|Logs$|^ListAgentEvents$|Realtime|RealTime|Measure|AgentData/],
  [
    'configuration',
    /Tag|^(Create|Modify|Delete|Publish|Get|List)Surveys?$|Config|ContactFlow|Media|Audio|Schema|Notification|Sms|BusinessHours|Visibility|Ticket|Feedback|Blacklist|DoNotCall|RoutePoint|ServiceExtensions/,
  ],
  ['outbound', /Job|Campaign|Case|Predictive|Scenario|Cab|Task|Redial/],
  ['telephony', /^CallOnline|^(Reset|Poll)UserStatus$/],
  ['administration', /User|Admin|Role|Privilege|SkillGroup|Number|Instance|PostOrder|Trunk|SkillLevel|AgentDevice|Fault/],
  [
    'telephony',
    /Call|Dial|Transfer|Conference|Hold|Mute|Answer|Ready|Break|Sign(In|Out)|WorkMode|Login|Token|Turn|TURN|RTC|Rtc|State|Status|Device|Appraise|^Launch|Dtmf|ShortMessage|Chat|Dialogue|DataChannel/,
  ],
]

const READ_VERB = /^(List|Get|Describe|Query|Find|Check|Request|Poll|Analyze|Pick)/
// Historical reports and logs are records of people's work; real-time state polling is not.
const SENSITIVE_REPORT = /Report|Statistic|Logs$|^ListAgentEvents$/

export function classifyApi(eventName: string): ApiClass | undefined {
  const category = RULES.find(([, pattern]) => pattern.test(eventName))?.[0]
  if (!category) return undefined
  return { category, sensitive: isSensitive(category, eventName) }
}

function isSensitive(category: ApiCategory, eventName: string): boolean {
  switch (category) {
    case 'customer_data':
      return true
    case 'reporting':
      return SENSITIVE_REPORT.test(eventName)
    case 'administration':
    case 'configuration':
      return !READ_VERB.test(eventName)
    default:
      return false
  }
}
