import type { CorpusOptions } from '../demo/corpus.js'

/**
 * Questions analysts ask of CCC audit events, answered in SQL over ccc_events and ccc_api_catalog
 * (DuckDB dialect, as `ccc-trail query` runs it). The one place these queries live: the docs show
 * their output, the tests run every one of them against a generated table.
 */
export interface Recipe {
  id: string
  title: string
  question: string
  sql: string
}

/** The generated table the documented outputs come from (docs/querying.md, scripts/cookbook-doc.ts). */
export const COOKBOOK_CORPUS: CorpusOptions = { seed: 20210201, startDate: '2021-02-01', days: 3, archivesPerDay: 16, eventsPerArchive: 50, lateEvents: false }

// One meaning per API name: a name that exists in both API versions keeps the 2017-07-05 wording.
const MEANINGS = `meaning AS (
  SELECT event_name, arg_min(meaning_en, api_version) AS meaning_en, arg_min(meaning_zh, api_version) AS meaning_zh
  FROM ccc_api_catalog GROUP BY event_name
)`

export const COOKBOOK: readonly Recipe[] = [
  {
    id: 'calls-per-agent-per-day',
    title: 'Calls per agent per day',
    question:
      'How busy was each agent each day, and how many of their calls failed? An assumed-role caller is named by its session (the agent behind the workbench role).',
    sql: `SELECT dt,
       CASE WHEN user_type = 'assumed-role' THEN split_part(user_name, ':', 2) ELSE user_name END AS agent,
       count(*) AS calls,
       count(*) FILTER (WHERE error_code IS NOT NULL) AS failed,
       count(DISTINCT event_name) AS apis
FROM ccc_events
WHERE user_name IS NOT NULL
GROUP BY ALL
ORDER BY dt, calls DESC, agent`,
  },
  {
    id: 'failed-calls-by-error',
    title: 'Failed calls by error code',
    question: 'Which errors do callers hit, how often, for how many users and APIs, and since when?',
    sql: `SELECT error_code,
       count(*) AS failures,
       count(DISTINCT user_name) AS users,
       count(DISTINCT event_name) AS apis,
       min(event_time) AS first_seen,
       max(event_time) AS last_seen
FROM ccc_events
WHERE error_code IS NOT NULL
GROUP BY error_code
ORDER BY failures DESC, error_code`,
  },
  {
    id: 'recording-downloads',
    title: 'Who downloaded call recordings, and when',
    question: 'Every DownloadRecording call: who, from where, on which instance, which file, and whether it was refused.',
    sql: `SELECT event_time,
       user_name,
       source_ip_address,
       instance_id,
       json_extract_string(request_parameters, '$.FileName') AS file_name,
       error_code
FROM ccc_events
WHERE event_name = 'DownloadRecording'
ORDER BY event_time`,
  },
  {
    id: 'console-vs-api',
    title: 'Console versus API access',
    question: 'How much of the activity comes from people in the console and how much from programs calling the API?',
    sql: `SELECT event_type,
       count(*) AS calls,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct,
       count(DISTINCT user_name) AS users,
       count(DISTINCT source_ip_address) AS source_ips
FROM ccc_events
GROUP BY event_type
ORDER BY calls DESC`,
  },
  {
    id: 'activity-by-source-ip',
    title: 'Activity by source IP',
    question: 'Where do calls come from? A new address, or one used by many users, deserves a look.',
    sql: `SELECT source_ip_address,
       count(*) AS calls,
       count(DISTINCT user_name) AS users,
       count(*) FILTER (WHERE error_code IS NOT NULL) AS failed,
       min(event_time) AS first_seen,
       max(event_time) AS last_seen
FROM ccc_events
GROUP BY source_ip_address
ORDER BY calls DESC, source_ip_address`,
  },
  {
    id: 'configuration-changes',
    title: 'Configuration changes per instance',
    question: 'Which successful calls changed the configuration of each call center instance (create, modify, assign, add, ...), and who made them?',
    sql: `WITH ${MEANINGS}
SELECT e.instance_id,
       e.event_name,
       m.meaning_en,
       count(*) AS changes,
       count(DISTINCT e.user_name) AS users,
       max(e.event_time) AS last_change
FROM ccc_events e
LEFT JOIN meaning m ON m.event_name = e.event_name
WHERE regexp_matches(e.event_name, '^(Create|Modify|Update|Add|Assign|Remove|Delete|Publish|Reset)')
  AND e.error_code IS NULL
GROUP BY ALL
ORDER BY e.instance_id, changes DESC, e.event_name`,
  },
  {
    id: 'configuration-writes-with-resources',
    title: 'Configuration writes of a day, with the resources they touched',
    question:
      'Every write to the call center configuration on 2021-02-02: who, when, and which instance, agents, skill groups and numbers it touched (from referenced_resources).',
    sql: `SELECT event_time,
       event_name,
       user_name,
       json_extract_string(referenced_resources, '$."ACS::CCC::Instance"[0]') AS instance,
       json_extract(referenced_resources, '$."ACS::CCC::User"') AS agents,
       json_extract(referenced_resources, '$."ACS::CCC::SkillGroup"') AS skill_groups,
       json_extract(referenced_resources, '$."ACS::CCC::PhoneNumber"') AS numbers,
       error_code
FROM ccc_events
WHERE dt = DATE '2021-02-02'
  AND event_rw = 'Write'
  AND regexp_matches(event_name, '^(Create|Modify|Update|Add|Assign|Remove|Delete|Publish|Reset)')
ORDER BY event_time`,
  },
  {
    id: 'assumed-role-sessions',
    title: 'Calls through an assumed role, with the role that issued the session',
    question:
      'Who worked through an assumed role (the workbench signs agents in that way), under which role, and how much? The issuing role is not a column: it is read from unmapped.',
    sql: `SELECT json_extract_string(unmapped, '$.userIdentity.sessionContext.sessionIssuer.userName') AS issuing_role,
       json_extract_string(unmapped, '$.userIdentity.sessionContext.sessionIssuer.arn') AS role_arn,
       split_part(user_name, ':', 2) AS session,
       count(*) AS calls,
       count(*) FILTER (WHERE event_rw = 'Write') AS writes,
       count(DISTINCT event_name) AS apis,
       max(event_time) AS last_call
FROM ccc_events
WHERE user_type = 'assumed-role'
GROUP BY ALL
ORDER BY issuing_role, calls DESC, session`,
  },
  {
    id: 'mfa-off',
    title: 'Activity without MFA',
    question: 'Who works without multi-factor authentication, in the console and through the API?',
    sql: `SELECT user_name,
       user_type,
       count(*) FILTER (WHERE event_type = 'ConsoleOperation') AS console_ops,
       count(*) FILTER (WHERE event_type = 'ApiCall') AS api_calls,
       count(DISTINCT source_ip_address) AS source_ips,
       max(event_time) AS last_seen
FROM ccc_events
WHERE mfa_authenticated = false
GROUP BY ALL
ORDER BY console_ops DESC, api_calls DESC, user_name`,
  },
  {
    id: 'top-apis',
    title: 'Most called APIs, with what they do',
    question: 'Which CCC APIs are called most, explained through the API catalog?',
    sql: `WITH ${MEANINGS}
SELECT e.event_name,
       m.meaning_zh,
       m.meaning_en,
       count(*) AS calls,
       count(DISTINCT e.user_name) AS users
FROM ccc_events e
LEFT JOIN meaning m ON m.event_name = e.event_name
GROUP BY ALL
ORDER BY calls DESC, e.event_name
LIMIT 10`,
  },
]
