import { describe, expect, it } from 'vitest'
import type { CompactionRecord } from '../../lib/ledger/compaction-records.js'
import { sourceId } from '../../lib/layout.js'
import { mayOverlap, readablePartition } from '../../lib/query/readable-files.js'

const A = 'AliyunLogs/Actiontrail/a.gz'
const B = 'AliyunLogs/Actiontrail/b.gz'
const part = (source: string) => `part-${sourceId(source)}.parquet`

function record(id: string, state: CompactionRecord['state'], inputs: [string, string][], outputs: string[], sources: string[]): CompactionRecord {
  return {
    version: 1,
    id,
    dt: '2021-02-03',
    eventName: 'ListConfig',
    state,
    startedAt: '2021-02-04T01:30:00Z',
    inputs: inputs.map(([name, etag]) => ({ key: `t/dt=2021-02-03/event_name=ListConfig/${name}`, etag, bytes: 1 })),
    outputs: outputs.map((name) => ({ key: `t/dt=2021-02-03/event_name=ListConfig/${name}`, rows: 1, bytes: 1 })),
    sources,
    rows: { in: 2, out: 2, duplicates: 0, superseded: 0 },
  }
}

describe('readablePartition', () => {
  const parts: [string, string][] = [
    [part(A), 'EA'],
    [part(B), 'EB'],
  ]

  it('skips the outputs of a compaction still writing', () => {
    const files = new Map([...parts, ['compact-c1-000.parquet', 'X']])
    expect(readablePartition({ files, records: [record('c1', 'writing', parts, [], [])] })).toEqual({
      files: [part(A), part(B)].sort(),
      staleSources: new Map(),
    })
  })

  it('skips the inputs of a written compaction whose outputs all exist, but not an input rewritten since', () => {
    const files = new Map<string, string>([
      [part(A), 'EA'],
      [part(B), 'EB-new'],
      ['compact-c1-000.parquet', 'X'],
    ])
    const result = readablePartition({ files, records: [record('c1', 'written', parts, ['compact-c1-000.parquet'], [A, B])] })
    expect(result.files).toEqual(['compact-c1-000.parquet', part(B)])
    expect(result.staleSources).toEqual(new Map([['compact-c1-000.parquet', new Set([B])]]))
  })

  it('ignores a written record whose outputs are gone (consumed by a later compaction)', () => {
    const files = new Map<string, string>(parts)
    expect(readablePartition({ files, records: [record('c1', 'written', parts, ['compact-c1-000.parquet'], [A, B])] }).files).toEqual([part(A), part(B)].sort())
  })

  it('needs the records only where compacted files sit beside other files', () => {
    expect(mayOverlap([part(A), part(B)])).toBe(false)
    expect(mayOverlap(['compact-c1-000.parquet', 'compact-c1-001.parquet'])).toBe(false)
    expect(mayOverlap(['compact-c1-000.parquet', part(A)])).toBe(true)
    expect(mayOverlap(['compact-c1-000.parquet', 'compact-c2-000.parquet'])).toBe(true)
  })
})
