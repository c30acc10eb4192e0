import { expect } from 'vitest'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { MANIFEST_DIR, QUARANTINE_DIR } from '../../lib/layout.js'
import type { Counts } from '../../lib/ledger/manifest.js'
import { jsonLogger, type Logger } from '../../lib/log.js'
import type { ArchiveResult } from '../../lib/pipeline.js'
import { listQuarantine, type QuarantineRecord } from '../../lib/quarantine.js'
import type { LocalTable } from '../../lib/query/local-table.js'
import { listObjects } from '../../lib/storage/list.js'
import type { Storage } from '../../lib/storage/types.js'
import { queryTable } from '../support/duck.js'
import { expectAccounted } from '../support/pipeline.js'

/** Shared builders and observations for the reliability matrix: what a user or operator would look at. */

export type TestEvent = Record<string, unknown>

/** A CCC event (the seed sample) with its own id; `overrides` replace fields, `undefined` removes one. */
export function cccEvent(id: string, overrides: TestEvent = {}): TestEvent {
  const event: TestEvent = { ...seedSampleEvent(), eventId: id, requestId: id, ...overrides }
  for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete event[name]
  return event
}

export function cccEvents(prefix: string, count: number): TestEvent[] {
  return Array.from({ length: count }, (_, i) => cccEvent(`${prefix}-${i}`, { eventTime: `2021-02-03T04:${String(10 + (i % 50)).padStart(2, '0')}:00Z` }))
}

/** The event's JSON with its account id masked the way consoles print it, unquoted: `"accountId": 1234****5678`. */
export function maskedAccountIdJson(event: TestEvent): string {
  const text = JSON.stringify(event)
  const masked = text.replace(/"accountId":"\d+"/, '"accountId": 1234****5678')
  if (masked === text) throw new Error('the event has no numeric accountId to mask')
  return masked
}

/** An event of another service: counted as non-CCC, never a row. */
export function ecsEvent(id: string): TestEvent {
  return { eventId: id, eventName: 'DescribeInstances', serviceName: 'Ecs', eventSource: 'ecs.aliyuncs.com', eventTime: '2021-02-03T04:11:00Z' }
}

export const idsOf = (events: TestEvent[]): string[] => events.map((e) => String(e.eventId))

export interface LogLine {
  time: string
  level: string
  message: string
  [field: string]: unknown
}

/** The structured log lines FC would ship to SLS, parsed back. */
export function captureLog(): { log: Logger; lines: LogLine[]; text: string[] } {
  const lines: LogLine[] = []
  const text: string[] = []
  const log = jsonLogger((line) => {
    text.push(line)
    lines.push(JSON.parse(line) as LogLine)
  }, 'debug')
  return { log, lines, text }
}

/** The one archive log line for `source`. */
export function archiveLine(lines: LogLine[], source: string): LogLine {
  const matching = lines.filter((line) => line.source === source && /^archive /.test(line.message))
  expect(matching, `log lines for ${source}`).toHaveLength(1)
  return matching[0]
}

/** Every event_id in the table, sorted, duplicates kept: equal lists mean no loss and no duplicates. */
export async function tableIds(root: string | LocalTable): Promise<string[]> {
  const rows = await queryTable(root, 'SELECT event_id FROM ccc_events ORDER BY event_id')
  return rows.map((row) => String(row.event_id))
}

/**
 * The two checks every matrix row makes: each archive's events are all accounted for (rows + nonCcc +
 * quarantined = events), and the table (its event_ids, from DuckDB) is exactly `expected`, each once.
 */
export function expectAccountedExactly(results: readonly { key?: string; counts: Counts }[], table: readonly string[], expected: readonly string[]): void {
  expect(results.length, 'archive results to account for').toBeGreaterThan(0)
  for (const result of results) expectAccounted(result)
  expect(table).toEqual(sorted([...expected]))
}

export function sorted(ids: string[]): string[] {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

export async function keysUnder(storage: Storage, prefix = ''): Promise<string[]> {
  const keys: string[] = []
  for await (const info of listObjects(storage, prefix)) keys.push(info.key)
  return keys
}

export async function dataFiles(storage: Storage, destPrefix = ''): Promise<string[]> {
  return (await keysUnder(storage, destPrefix + 'dt=')).filter((key) => key.endsWith('.parquet'))
}

export async function manifests(storage: Storage, destPrefix = ''): Promise<string[]> {
  return keysUnder(storage, destPrefix + MANIFEST_DIR)
}

export async function quarantineRecords(storage: Storage, destPrefix = ''): Promise<QuarantineRecord[]> {
  const records: QuarantineRecord[] = []
  for await (const { record } of listQuarantine(storage, destPrefix)) records.push(record)
  return records
}

export async function quarantineKeys(storage: Storage, destPrefix = ''): Promise<string[]> {
  return keysUnder(storage, destPrefix + QUARANTINE_DIR)
}

/** The fields every quarantine record carries, checked against the archive they describe. */
export function expectRecordOf(record: QuarantineRecord, result: ArchiveResult, scope: QuarantineRecord['scope'], reason: string): void {
  expect(record).toMatchObject({ version: 1, source: result.key, etag: result.etag, scope, reason, counts: result.counts })
  expect(record.etag).toMatch(/\S/)
  expect(record.message).toMatch(/\S/)
  expect(Date.parse(record.time)).not.toBeNaN()
}
