import { describe, expect, it } from 'vitest'
import { batchId, parseDataFileKey, parseDataFileName, sourceId } from '../../lib/layout.js'
import type { CompactionRecord } from '../../lib/ledger/compaction-records.js'
import { type FileVersion, mayOverlap, type PartitionListing, partitionVisibility } from '../../lib/ledger/visibility.js'

const A = 'AliyunLogs/Actiontrail/a.gz'
const B = 'AliyunLogs/Actiontrail/b.gz'
const C = 'AliyunLogs/Actiontrail/c.gz'
const FOLDER = 't/dt=2021-02-03/event_name=ListConfig/'
const part = (source: string) => `part-${sourceId(source)}.parquet`
const out = (id: string, index = 0) => `compact-${id}-${String(index).padStart(3, '0')}.parquet`

interface RecordSpec {
  id: string
  state?: CompactionRecord['state']
  inputs?: [string, string][]
  outputs?: string[]
  sources?: string[]
  finishedAt?: string
}

function record({ id, state = 'written', inputs = [], outputs = [out(id)], sources = [], finishedAt = '2021-02-04T01:30:00Z' }: RecordSpec): CompactionRecord {
  return {
    version: 1,
    id,
    dt: '2021-02-03',
    eventName: 'ListConfig',
    state,
    startedAt: '2021-02-04T01:00:00Z',
    finishedAt: state === 'written' ? finishedAt : undefined,
    inputs: inputs.map(([name, etag]) => ({ key: FOLDER + name, etag, bytes: 1 })),
    outputs: state === 'written' ? outputs.map((name) => ({ key: FOLDER + name, rows: 1, bytes: 1 })) : [],
    sources,
    rows: { in: 2, out: 2, duplicates: 0, superseded: 0 },
  }
}

function listing(files: [string, string, number?][], records: CompactionRecord[] = [], sourcesOf?: [string, string[]][]): PartitionListing {
  return {
    files: new Map<string, FileVersion>(files.map(([name, etag, lastModified]) => [name, { etag, lastModified }])),
    records,
    sourcesOf: sourcesOf && new Map(sourcesOf),
  }
}

const stale = (entries: [string, string[]][]) => new Map(entries.map(([name, sources]) => [name, new Set(sources)]))

describe('partitionVisibility', () => {
  const cases: { name: string; listing: PartitionListing; read: string[]; staleSources?: Map<string, Set<string>>; needsSources?: string[] }[] = [
    {
      name: 'part files only: every one is read',
      listing: listing([
        [part(A), 'EA'],
        [part(B), 'EB'],
      ]),
      read: [part(A), part(B)].sort(),
    },
    {
      name: 'a compaction still writing: its outputs are skipped, its inputs read',
      listing: listing(
        [
          [part(A), 'EA'],
          [part(B), 'EB'],
          [out('c1'), 'X'],
        ],
        [
          record({
            id: 'c1',
            state: 'writing',
            inputs: [
              [part(A), 'EA'],
              [part(B), 'EB'],
            ],
          }),
        ],
      ),
      read: [part(A), part(B)].sort(),
    },
    {
      name: 'a written compaction: inputs at the version it read are skipped, one rewritten since is read and wins its source',
      listing: listing(
        [
          [part(A), 'EA'],
          [part(B), 'EB-new'],
          [out('c1'), 'X'],
        ],
        [
          record({
            id: 'c1',
            inputs: [
              [part(A), 'EA'],
              [part(B), 'EB'],
            ],
            sources: [A, B],
          }),
        ],
      ),
      read: [out('c1'), part(B)].sort(),
      staleSources: stale([[out('c1'), [B]]]),
    },
    {
      name: 'a written record whose outputs are gone describes nothing: the part files are read',
      listing: listing(
        [
          [part(A), 'EA'],
          [part(B), 'EB'],
        ],
        [
          record({
            id: 'c1',
            inputs: [
              [part(A), 'EA'],
              [part(B), 'EB'],
            ],
            sources: [A, B],
          }),
        ],
      ),
      read: [part(A), part(B)].sort(),
    },
    {
      name: 'a later compaction consumed an earlier one: only its output is read',
      listing: listing(
        [
          [out('c1'), 'X1'],
          [out('c2'), 'X2'],
        ],
        [
          record({ id: 'c1', inputs: [[part(A), 'EA']], sources: [A] }),
          record({
            id: 'c2',
            inputs: [
              [out('c1'), 'X1'],
              [part(B), 'EB'],
            ],
            sources: [A, B],
            finishedAt: '2021-02-04T02:00:00Z',
          }),
        ],
      ),
      read: [out('c2')],
    },
    {
      name: 'two live groups (roll-ups) holding the same source: the newest owns it',
      listing: listing(
        [
          [out('r1'), 'X1'],
          [out('r2'), 'X2'],
        ],
        [
          record({
            id: 'r1',
            inputs: [
              [part(A), 'EA'],
              [part(B), 'EB'],
            ],
            sources: [A, B],
          }),
          record({ id: 'r2', inputs: [[part(A), 'EA2']], sources: [A], finishedAt: '2021-02-04T02:00:00Z' }),
        ],
      ),
      read: [out('r1'), out('r2')],
      staleSources: stale([[out('r1'), [A]]]),
    },
    {
      name: 'a roll-up that consumed an empty tombstone speaks for its source though it holds no row of it',
      listing: listing(
        [
          [out('r1'), 'X1'],
          [out('r2'), 'X2'],
        ],
        [
          record({
            id: 'r1',
            inputs: [
              [part(A), 'EA'],
              [part(B), 'EB'],
            ],
            sources: [A, B],
          }),
          record({
            id: 'r2',
            inputs: [
              [part(A), 'tombstone'],
              [part(C), 'EC'],
            ],
            sources: [C],
            finishedAt: '2021-02-04T02:00:00Z',
          }),
        ],
      ),
      read: [out('r1'), out('r2')],
      staleSources: stale([[out('r1'), [A]]]),
    },
    {
      name: 'a part file beats every group holding its source (forced rerun, new version, tombstone)',
      listing: listing(
        [
          [out('c1'), 'X1'],
          [out('c1', 1), 'X1b'],
          [part(A), 'EA2'],
        ],
        [
          record({
            id: 'c1',
            inputs: [
              [part(A), 'EA'],
              [part(B), 'EB'],
            ],
            outputs: [out('c1'), out('c1', 1)],
            sources: [A, B],
          }),
        ],
      ),
      read: [out('c1'), out('c1', 1), part(A)],
      staleSources: stale([
        [out('c1'), [A]],
        [out('c1', 1), [A]],
      ]),
    },
    {
      name: 'lost records: compacted files beside part files need their sources read first',
      listing: listing([
        [out('c1'), 'X1'],
        [part(A), 'EA'],
      ]),
      read: [out('c1'), part(A)],
      needsSources: [out('c1')],
    },
    {
      name: 'lost records, sources read: the part file wins its source, the compacted file keeps the rest',
      listing: listing(
        [
          [out('c1'), 'X1'],
          [part(A), 'EA'],
        ],
        [],
        [[out('c1'), [A, B]]],
      ),
      read: [out('c1'), part(A)],
      staleSources: stale([[out('c1'), [A]]]),
    },
    {
      name: 'lost records, two compactions holding one source: the newer file (by listing time) wins',
      listing: listing(
        [
          [out('c1'), 'X1', 1000],
          [out('c2'), 'X2', 2000],
        ],
        [],
        [
          [out('c1'), [A, B]],
          [out('c2'), [A]],
        ],
      ),
      read: [out('c1'), out('c2')],
      staleSources: stale([[out('c1'), [A]]]),
    },
    {
      name: 'a Parquet file ccc-trail did not name is read whole, as engines read it',
      listing: listing([
        [part(A), 'EA'],
        ['notes.parquet', 'N'],
      ]),
      read: ['notes.parquet', part(A)],
    },
  ]

  for (const c of cases) {
    it(c.name, () => {
      const visible = partitionVisibility(c.listing)
      expect(visible.read).toEqual(c.read)
      expect(visible.staleSources).toEqual(c.staleSources ?? new Map())
      expect(visible.needsSources).toEqual(c.needsSources ?? [])
    })
  }

  it('tells recovery what to delete: unfinished outputs, consumed inputs, dead records', () => {
    const c1 = record({ id: 'c1', inputs: [[part(A), 'EA']], sources: [A] })
    const c2 = record({
      id: 'c2',
      inputs: [
        [out('c1'), 'X1'],
        [part(B), 'EB'],
      ],
      sources: [A, B],
      finishedAt: '2021-02-04T02:00:00Z',
    })
    const c3 = record({ id: 'c3', state: 'writing', inputs: [[out('c2'), 'X2']] })
    const visible = partitionVisibility(
      listing(
        [
          [out('c1'), 'X1'],
          [part(B), 'EB'],
          [out('c2'), 'X2'],
          [out('c3'), 'partial'],
        ],
        [c1, c2, c3],
      ),
    )
    expect(visible.unfinished).toEqual([{ record: c3, files: [out('c3')] }])
    expect(visible.consumed).toEqual([out('c1'), part(B)].sort())
    expect(visible.live).toEqual([c2])
    expect(visible.dead).toEqual([c1])
  })
})

describe('a batch still writing (no inputs, no lease)', () => {
  const batch = (startedAt: string) => ({ ...record({ id: 'b1', state: 'writing' }), startedAt })
  const files: [string, string][] = [
    [part(A), 'EA'],
    ['batch-b1-000.parquet', 'B'],
  ]

  it('is in flight for a caller that deletes, while young: skipped by readers, left alone by recovery', () => {
    const young = batch('2021-02-04T01:00:00Z')
    const visible = partitionVisibility({ ...listing(files, [young]), now: Date.parse('2021-02-04T02:00:00Z') })
    expect(visible.read).toEqual([part(A)])
    expect(visible.inFlight).toEqual([{ record: young, files: ['batch-b1-000.parquet'] }])
    expect(visible.unfinished).toEqual([])
  })

  it('has died once abandoned, or when its start cannot be read: recovery rolls it back', () => {
    for (const startedAt of ['2021-02-03T01:00:00Z', 'not a time']) {
      const old = batch(startedAt)
      const visible = partitionVisibility({ ...listing(files, [old]), now: Date.parse('2021-02-04T02:00:00Z') })
      expect(visible.unfinished).toEqual([{ record: old, files: ['batch-b1-000.parquet'] }])
      expect(visible.inFlight).toEqual([])
    }
  })

  it('a compaction found writing has died whatever its age (it runs under the lease)', () => {
    const compaction = { ...record({ id: 'c1', state: 'writing', inputs: [[part(A), 'EA']] }), startedAt: '2021-02-04T01:59:00Z' }
    const visible = partitionVisibility({
      ...listing(
        [
          [part(A), 'EA'],
          [out('c1'), 'X'],
        ],
        [compaction],
      ),
      now: Date.parse('2021-02-04T02:00:00Z'),
    })
    expect(visible.unfinished.map((u) => u.record)).toEqual([compaction])
  })
})

describe('stand-ins: an event delivered in several archives, its kept copy superseded', () => {
  // c1 merged A, B and C; event E was in all three, kept from B, its copies from A and C dropped.
  const merged = (standIns: Record<string, string[]>) => ({
    ...record({
      id: 'c1',
      inputs: [
        [part(A), 'EA'],
        [part(B), 'EB'],
      ],
      sources: [A, B],
    }),
    standIns,
  })
  const visibleWith = (files: [string, string][], standIns: Record<string, string[]>) =>
    partitionVisibility(listing([[out('c1'), 'X'], ...files], [merged(standIns)]))

  it('shows the kept row under the first source it stood in for whose rows still come from the file', () => {
    // B is delivered again (its part file); A's rows still come from c1; C holds no other row there.
    const visible = visibleWith([[part(B), 'EB2']], { E: [A, C], F: [C] })
    expect(visible.staleSources).toEqual(stale([[out('c1'), [B]]]))
    expect(visible.restored).toEqual(
      new Map([
        [
          out('c1'),
          [
            { eventId: 'E', as: A },
            { eventId: 'F', as: C },
          ],
        ],
      ]),
    )
  })

  it('does not restore a copy whose archive is read from its own part file', () => {
    const visible = visibleWith(
      [
        [part(B), 'EB2'],
        [part(A), 'EA2'],
      ],
      { E: [A] },
    )
    expect(visible.staleSources).toEqual(stale([[out('c1'), [A, B]]]))
    expect(visible.restored).toEqual(new Map())
  })

  it('restores nothing while the kept source is current', () => {
    expect(visibleWith([], { E: [A] }).restored).toEqual(new Map())
  })
})

describe('mayOverlap', () => {
  it('needs the records only where compacted files sit beside other files', () => {
    expect(mayOverlap([part(A), part(B)])).toBe(false)
    expect(mayOverlap([out('c1'), out('c1', 1)])).toBe(false)
    expect(mayOverlap([out('c1'), part(A)])).toBe(true)
    expect(mayOverlap([out('c1'), out('c2')])).toBe(true)
  })

  it('leaves out the records of batches of different source folders, which hold different archives', () => {
    const day1 = batchId([{ key: 'trail/2021/02/07/a.gz', etag: '1' }], 'run')
    const day1Again = batchId([{ key: 'trail/2021/02/07/a.gz', etag: '1' }], 'rerun')
    const day2 = batchId([{ key: 'trail/2021/02/08/b.gz', etag: '1' }], 'run')
    const batch = (id: string) => `batch-${id}-000.parquet`
    expect(mayOverlap([batch(day1), batch(day2)])).toBe(false)
    // The same folder twice (a rerun after a crash, a day split between two batches), a compacted file, a
    // part file, a batch of several folders or of a release before the tag: the records decide.
    expect(mayOverlap([batch(day1), batch(day1Again)])).toBe(true)
    expect(mayOverlap([batch(day1), out('c1')])).toBe(true)
    expect(mayOverlap([batch(day1), batch(day2), part(A)])).toBe(true)
    const twoFolders = batchId(
      ['x/a.gz', 'y/b.gz'].map((key) => ({ key, etag: '1' })),
      'run',
    )
    expect(mayOverlap([batch(day1), batch(twoFolders)])).toBe(true)
    expect(mayOverlap([batch(day1), 'batch-0123456789abcdef-000.parquet'])).toBe(true)
  })
})

describe('data file names are parsed where they are made', () => {
  it('parses part and compacted file names and their keys', () => {
    expect(parseDataFileName(part(A))).toEqual({ kind: 'part', sourceId: sourceId(A) })
    expect(parseDataFileName('compact-0123abcd-007.parquet')).toEqual({ kind: 'group', group: '0123abcd', index: 7 })
    const id = batchId([{ key: 'trail/2021/02/07/a.gz', etag: '1' }], 'run')
    expect(id).toMatch(/^[0-9a-f]{8}_[0-9a-f]{16}$/)
    expect(parseDataFileName(`batch-${id}-000.parquet`)).toEqual({ kind: 'group', group: id, index: 0, sourceFolder: id.slice(0, 8) })
    expect(parseDataFileName('batch-0123456789abcdef-000.parquet')).toEqual({ kind: 'group', group: '0123456789abcdef', index: 0 })
    expect(parseDataFileName('part-x.json')).toBeUndefined()
    expect(parseDataFileKey(`dt=2021-02-03/event_name=ListConfig/${part(A)}`)).toEqual({ folder: 'dt=2021-02-03/event_name=ListConfig/', name: part(A) })
    expect(parseDataFileKey(`dt=2021-02-03/${part(A)}`)).toBeUndefined()
    expect(parseDataFileKey('dt=2021-02-03/event_name=ListConfig/_SUCCESS')).toBeUndefined()
  })
})
