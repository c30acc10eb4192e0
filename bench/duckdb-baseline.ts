import path from 'node:path'
import { sqlString } from '../lib/query/duckdb.js'

/**
 * The DuckDB baseline: the one statement a data engineer would write for the same job. Reads
 * every gzip JSON-array archive with explicit column types, keeps CCC events, shapes the same
 * columns, and writes Parquet partitioned by (dt, event_name). It writes 28 of the table's 29 columns:
 * `unmapped` (the event minus every field a column holds exactly) has no one-statement equivalent,
 * so on that column DuckDB does less work than ccc-trail.
 */
export function duckdbStatement(sourceRoot: string, dest: string): string {
  const archives = path.join(sourceRoot, '**', '*.gz')
  return cccCopy(
    `${sqlString(archives)}, format = 'array', compression = 'gzip'`,
    `${sqlString(dest)} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (dt, event_name))`,
  )
}

/** The baseline's COPY: `reading` is read_json's files and format, `to` the COPY target and options. */
export function cccCopy(reading: string, to: string): string {
  return `COPY (
  SELECT eventId AS event_id, eventTime AS event_time, eventType AS event_type, eventSource AS event_source,
    TRY_CAST(eventVersion AS INTEGER) AS event_version, serviceName AS service_name, apiVersion AS api_version,
    acsRegion AS acs_region, TRY_CAST(isGlobal AS BOOLEAN) AS is_global, requestId AS request_id,
    json_extract_string(requestParameters, '$.InstanceId') AS instance_id, sourceIpAddress AS source_ip_address,
    userAgent AS user_agent, json_extract_string(userIdentity, '$.type') AS user_type,
    json_extract_string(userIdentity, '$.accountId') AS account_id, json_extract_string(userIdentity, '$.principalId') AS principal_id,
    json_extract_string(userIdentity, '$.userName') AS user_name, json_extract_string(userIdentity, '$.accessKeyId') AS access_key_id,
    TRY_CAST(json_extract_string(userIdentity, '$.sessionContext.attributes.mfaAuthenticated') AS BOOLEAN) AS mfa_authenticated,
    NULLIF(errorCode, '') AS error_code, NULLIF(errorMessage, '') AS error_message,
    requestParameters::VARCHAR AS request_parameters, responseElements::VARCHAR AS response_elements,
    additionalEventData::VARCHAR AS additional_event_data, filename AS source_object,
    eventRW AS event_rw, recipientAccountId AS recipient_account_id, referencedResources::VARCHAR AS referenced_resources,
    CAST(eventTime AS DATE) AS dt, eventName AS event_name
  FROM read_json(${reading}, filename = true, columns = {
    eventId: 'VARCHAR', eventTime: 'TIMESTAMPTZ', eventType: 'VARCHAR', eventSource: 'VARCHAR', eventVersion: 'VARCHAR',
    serviceName: 'VARCHAR', apiVersion: 'VARCHAR', acsRegion: 'VARCHAR', isGlobal: 'VARCHAR', requestId: 'VARCHAR',
    sourceIpAddress: 'VARCHAR', userAgent: 'VARCHAR', userIdentity: 'JSON', errorCode: 'VARCHAR', errorMessage: 'VARCHAR',
    requestParameters: 'JSON', responseElements: 'JSON', additionalEventData: 'JSON', eventName: 'VARCHAR',
    eventRW: 'VARCHAR', recipientAccountId: 'VARCHAR', referencedResources: 'JSON'})
  WHERE ${CCC_EVENTS}
) TO ${to}`
}

/** Which events are CCC events, in the baseline's terms. */
const CCC_EVENTS = `serviceName = 'CloudCallCenter' OR starts_with(eventSource, 'ccc.')
    OR json_extract_string(requestParameters, '$.AcsProduct') = 'CCC'`

/** What an analyst without the table runs to count CCC events by name: DuckDB over the raw archives. */
export function rawCountByEventName(sourceRoot: string): string {
  const archives = path.join(sourceRoot, '**', '*.gz')
  return `SELECT eventName AS event_name, count(*) AS n
  FROM read_json(${sqlString(archives)}, format = 'array', compression = 'gzip',
    columns = {eventName: 'VARCHAR', serviceName: 'VARCHAR', eventSource: 'VARCHAR', requestParameters: 'JSON'})
  WHERE ${CCC_EVENTS}
  GROUP BY 1`
}
