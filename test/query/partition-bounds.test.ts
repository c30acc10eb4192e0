import { beforeAll, describe, expect, it } from 'vitest'
import { SqlError, withDuckDb } from '../../lib/query/duckdb.js'
import { intersect, normalizeRanges, type PartitionBounds, statementBounds } from '../../lib/query/partition-bounds.js'

/** Which partitions a statement can read, from DuckDB's own parse tree: never narrower than what DuckDB reads. */

const ANY: PartitionBounds = { days: undefined, eventNames: undefined }
const day = (d: string) => ({ from: d, to: d })

const cases: [string, string, PartitionBounds][] = [
  ['equality on dt', "SELECT count(*) FROM ccc_events WHERE dt = '2021-02-03'", { days: [day('2021-02-03')], eventNames: undefined }],
  ['DATE literal, column on the right', "SELECT * FROM ccc_events WHERE DATE '2021-02-03' = dt", { days: [day('2021-02-03')] }],
  ['cast literal', "SELECT * FROM ccc_events WHERE dt = '2021-02-03'::DATE", { days: [day('2021-02-03')] }],
  ['IN of days', "SELECT * FROM ccc_events WHERE dt IN ('2021-02-05', '2021-02-03')", { days: [day('2021-02-03'), day('2021-02-05')] }],
  ['IN of adjacent days merges', "SELECT * FROM ccc_events WHERE dt IN ('2021-02-04', '2021-02-03')", { days: [{ from: '2021-02-03', to: '2021-02-04' }] }],
  [
    'BETWEEN across a month end',
    "SELECT * FROM ccc_events WHERE dt BETWEEN '2021-01-30' AND DATE '2021-02-02'",
    { days: [{ from: '2021-01-30', to: '2021-02-02' }] },
  ],
  ['>= and < (half-open)', "SELECT * FROM ccc_events WHERE dt >= '2021-02-27' AND dt < '2021-03-02'", { days: [{ from: '2021-02-27', to: '2021-03-01' }] }],
  ['> and <= (leap day edge)', "SELECT * FROM ccc_events WHERE dt > '2020-02-28' AND dt <= '2020-03-01'", { days: [{ from: '2020-02-29', to: '2020-03-01' }] }],
  ['open range', "SELECT * FROM ccc_events WHERE dt >= '2021-02-01'", { days: [{ from: '2021-02-01' }] }],
  ['OR of two days', "SELECT * FROM ccc_events WHERE dt = '2021-02-01' OR dt = '2021-03-01'", { days: [day('2021-02-01'), day('2021-03-01')] }],
  ['empty range', "SELECT * FROM ccc_events WHERE dt BETWEEN '2021-02-03' AND '2021-02-01'", { days: [] }],
  ['contradiction', "SELECT * FROM ccc_events WHERE dt = '2021-02-01' AND dt = '2021-02-02'", { days: [] }],
  ['event_name equality', "SELECT * FROM ccc_events WHERE event_name = 'DownloadRecording'", { eventNames: ['DownloadRecording'] }],
  [
    'event_name IN and a day',
    "SELECT * FROM ccc_events WHERE event_name IN ('B', 'A') AND dt = '2021-02-03' AND user_name = 'x'",
    { days: [day('2021-02-03')], eventNames: ['A', 'B'] },
  ],
  ['no predicate', 'SELECT count(*) FROM ccc_events', ANY],
  ['predicates on other columns only', "SELECT * FROM ccc_events WHERE user_name = 'li.na' AND error_code IS NOT NULL", ANY],
  ['OR with another column', "SELECT * FROM ccc_events WHERE dt = '2021-02-01' OR user_name = 'x'", ANY],
  ['OR across dimensions', "SELECT * FROM ccc_events WHERE dt = '2021-02-01' OR event_name = 'A'", ANY],
  ['NOT', "SELECT * FROM ccc_events WHERE NOT dt = '2021-02-01'", ANY],
  ['<>', "SELECT * FROM ccc_events WHERE dt <> '2021-02-01'", ANY],
  ['NOT IN', "SELECT * FROM ccc_events WHERE dt NOT IN ('2021-02-01')", ANY],
  ['a function of dt', "SELECT * FROM ccc_events WHERE year(dt) = 2021 AND strftime(dt, '%m') = '02'", ANY],
  ['a day written loosely', "SELECT * FROM ccc_events WHERE dt = '2021-2-3'", ANY],
  ['a timestamp', "SELECT * FROM ccc_events WHERE dt >= TIMESTAMP '2021-02-03 10:00:00'", ANY],
  [
    'predicate inside a subquery',
    "SELECT count(*) FROM (SELECT * FROM ccc_events WHERE dt = '2021-02-03') t",
    { days: [day('2021-02-03')], eventNames: undefined },
  ],
  [
    'predicate inside a CTE',
    "WITH d AS (SELECT * FROM ccc_events WHERE dt BETWEEN '2021-02-01' AND '2021-02-02' AND event_name = 'A') SELECT count(*) FROM d",
    { days: [{ from: '2021-02-01', to: '2021-02-02' }], eventNames: ['A'] },
  ],
  ['predicate outside the subquery that reads the table', "SELECT count(*) FROM (SELECT * FROM ccc_events) t WHERE dt = '2021-02-03'", ANY],
  [
    'two references, each bounded',
    "SELECT * FROM ccc_events WHERE dt = '2021-02-01' UNION ALL SELECT * FROM ccc_events WHERE dt = '2021-02-09'",
    { days: [day('2021-02-01'), day('2021-02-09')] },
  ],
  ['two references, one unbounded', "SELECT * FROM ccc_events WHERE dt = '2021-02-01' UNION ALL SELECT * FROM ccc_events", ANY],
  [
    'self-join with qualified predicates',
    "SELECT * FROM ccc_events a JOIN ccc_events b ON a.event_id = b.event_id WHERE a.dt = '2021-02-01' AND b.dt = '2021-02-03'",
    { days: [day('2021-02-01'), day('2021-02-03')] },
  ],
  ['self-join, one side unqualified-bounded only', "SELECT * FROM ccc_events a JOIN ccc_events b ON a.event_id = b.event_id WHERE a.dt = '2021-02-01'", ANY],
  [
    'join with the catalog, alias and schema',
    "SELECT * FROM main.ccc_events e LEFT JOIN ccc_api_catalog c USING (event_name) WHERE e.dt = '2021-02-01' AND c.category = 'x'",
    { days: [day('2021-02-01')] },
  ],
  ['qualified by the table name', "SELECT * FROM ccc_events WHERE ccc_events.dt = '2021-02-01'", { days: [day('2021-02-01')] }],
  ['qualified by another name', "SELECT * FROM ccc_events e, other o WHERE o.dt = '2021-02-01'", ANY],
  ['a CTE named ccc_events', "WITH ccc_events AS (SELECT * FROM main.ccc_events) SELECT * FROM ccc_events WHERE dt = '2021-02-01'", ANY],
  ['the name in a string', "SELECT * FROM query_table('ccc_events') WHERE dt = '2021-02-01'", ANY],
  ['the table in a scalar subquery', "SELECT (SELECT count(*) FROM ccc_events WHERE dt = '2021-02-01') AS n", { days: [day('2021-02-01')] }],
  ['no reference to the table', 'SELECT * FROM ccc_api_catalog', { days: [], eventNames: [] }],
  ['identifiers in capitals', "SELECT * FROM CCC_EVENTS WHERE DT = '2021-02-01'", { days: [day('2021-02-01')] }],
]

describe('statementBounds', () => {
  const trees = new Map<string, unknown>()
  beforeAll(() =>
    withDuckDb(async (db) => {
      for (const [, sql] of cases) trees.set(sql, await db.parse(sql))
    }),
  )

  it.each(cases)('%s', (_, sql, expected) => {
    const bounds = statementBounds(trees.get(sql))
    expect(bounds.days).toEqual(expected.days)
    expect(bounds.eventNames).toEqual(expected.eventNames)
  })

  it('a statement DuckDB cannot parse is a SqlError; one it cannot serialize (not a SELECT) has no tree', async () => {
    await withDuckDb(async (db) => {
      await expect(db.parse('selec count(*) from ccc_events')).rejects.toThrow(SqlError)
      await expect(db.parse('selec count(*) from ccc_events')).rejects.toThrow(/^Parser Error: syntax error at or near "selec"/)
      expect(await db.parse("SET TimeZone = 'UTC'; SELECT * FROM ccc_events")).toBeUndefined()
      expect(statementBounds(undefined)).toEqual(ANY)
    })
  })
})

describe('bounds arithmetic', () => {
  it('intersects flags with a statement, either side open', () => {
    expect(intersect({ days: [{ from: '2021-02-01', to: '2021-02-10' }] }, { days: [{ from: '2021-02-05' }], eventNames: ['A'] })).toEqual({
      days: [{ from: '2021-02-05', to: '2021-02-10' }],
      eventNames: ['A'],
    })
    expect(intersect({ eventNames: ['A', 'B'] }, { eventNames: ['B', 'C'] }).eventNames).toEqual(['B'])
    expect(intersect({ days: [{ from: '2021-02-01', to: '2021-02-02' }] }, { days: [{ from: '2021-03-01' }] }).days).toEqual([])
  })

  it('merges overlapping, touching and open ranges', () => {
    expect(normalizeRanges([{ from: '2021-03-01', to: '2021-03-02' }, { to: '2021-01-01' }, { from: '2021-02-28', to: '2021-02-28' }])).toEqual([
      { to: '2021-01-01' },
      { from: '2021-02-28', to: '2021-03-02' },
    ])
    expect(normalizeRanges([{ from: '2021-02-01' }, { from: '2021-01-01', to: '2021-02-03' }])).toEqual([{ from: '2021-01-01' }])
  })
})
