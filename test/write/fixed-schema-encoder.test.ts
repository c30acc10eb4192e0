import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { type Sql, sqlString, withDuckDb } from '../../lib/query/duckdb.js'
import { openParquet } from '../../lib/read/parquet-read.js'
import { COLUMNS, EVENT_TIME_INDEX, toColumns, type Value } from '../../lib/schema/columns.js'
import type { FileEncoder } from '../../lib/write/file-encoder.js'
import { compareUtf8, FixedSchemaEncoder } from '../../lib/write/fixed-schema-encoder.js'
import { ParquetFileBuilder } from '../../lib/write/parquet.js'
import { tempDir } from '../support/temp.js'

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const AWKWARD_TEXT = [
  '',
  ' ',
  'ä',
  '日本語',
  '😀',
  '\uffff',
  '\ue000x',
  '\ud83d\ude00z',
  'a\u0000b',
  '"quoted"',
  'x'.repeat(300),
  'ascii then 日本',
  'ascii then 😀',
]

/**
 * Where `hugeEvery` puts values past a page (1 MiB): one column of each way a byte-array column is
 * written (string or JSON, with or without a dictionary tried first). Every string column would only
 * repeat these paths, at seconds of DuckDB reading apiece.
 */
const HUGE_COLUMNS = new Set(['event_id', 'user_agent', 'request_parameters', 'additional_event_data'])

/** Rows in COLUMNS order with nulls, empty strings, unicode and repeats mixed in by `seed`; sorted by event_time. */
function generatedRows(count: number, seed: number, options: { hugeEvery?: number } = {}): Value[][] {
  const next = random(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]
  const rows: Value[][] = []
  for (let r = 0; r < count; r++) {
    rows.push(
      COLUMNS.map((column) => {
        if (column.name === 'event_time') return 1_600_000_000_000 + Math.floor(next() * 1e10) - (r % 7 === 0 ? 1_700_000_000_000 : 0)
        if (column.name === 'source_object') return `archives/${seed}/${Math.floor(next() * 3)}.json.gz`
        if (next() < 0.15) return null
        switch (column.kind) {
          case 'int32':
            return pick([0, 1, -1, 2147483647, -2147483648, Math.floor(next() * 1000)])
          case 'boolean':
            return next() < 0.5
          case 'json':
            if (options.hugeEvery && r % options.hugeEvery === 0 && HUGE_COLUMNS.has(column.name)) return JSON.stringify({ blob: 'é'.repeat(700_000) })
            return JSON.stringify({ k: Math.floor(next() * 1e6), s: pick(AWKWARD_TEXT) })
          default:
            if (options.hugeEvery && r % options.hugeEvery === 1 && HUGE_COLUMNS.has(column.name)) return 'ü'.repeat(600_000)
            return next() < 0.3 ? pick(AWKWARD_TEXT) : `${column.name}-${Math.floor(next() * (column.name.endsWith('_id') ? 1e9 : 20))}`
        }
      }),
    )
  }
  return rows.sort((a, b) => (a[EVENT_TIME_INDEX] as number) - (b[EVENT_TIME_INDEX] as number))
}

async function writeBoth(groups: Value[][][]): Promise<{ reference: string; candidate: string; bytes: Uint8Array }> {
  const dir = await tempDir('ccc-encoder-diff')
  const encode = async (file: FileEncoder, name: string) => {
    for (const group of groups) file.addRowGroup(toColumns(group))
    const bytes = await file.finish()
    const at = path.join(dir, name)
    await writeFile(at, bytes)
    return { at: sqlString(at), bytes }
  }
  const reference = await encode(new ParquetFileBuilder(), 'reference.parquet')
  const candidate = await encode(new FixedSchemaEncoder(), 'candidate.parquet')
  return { reference: reference.at, candidate: candidate.at, bytes: candidate.bytes }
}

/** The same rows (as multisets, compared inside DuckDB), column types and Parquet schema. */
async function expectSameTable(db: Sql, reference: string, candidate: string, rows: number): Promise<void> {
  const [count] = await db.rows(`SELECT count(*)::INTEGER AS n FROM read_parquet(${candidate})`)
  expect(count.n).toBe(rows)
  const only = (a: string, b: string) => db.rows(`SELECT * FROM read_parquet(${a}) EXCEPT ALL SELECT * FROM read_parquet(${b}) LIMIT 3`)
  expect(await only(candidate, reference), 'rows only the candidate holds').toEqual([])
  expect(await only(reference, candidate), 'rows only the reference holds').toEqual([])
  const describe = (at: string) => db.rows(`DESCRIBE SELECT * FROM read_parquet(${at})`)
  expect(await describe(candidate)).toEqual(await describe(reference))
  const schema = (at: string) => db.rows(`SELECT * EXCLUDE (file_name) FROM parquet_schema(${at})`)
  expect(await schema(candidate)).toEqual(await schema(reference))
}

/** Statistics per row group and column, as DuckDB decodes them. */
function statistics(db: Sql, at: string) {
  return db.rows(
    `SELECT row_group_id, path_in_schema, row_group_num_rows, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata(${at}) ORDER BY row_group_id, column_id`,
  )
}

describe('FixedSchemaEncoder against the hyparquet-writer path', () => {
  const cases: [string, Value[][][]][] = [
    ['one row', [generatedRows(1, 1)]],
    ['many rows in one group', [generatedRows(3000, 2)]],
    ['many row groups of uneven size', [generatedRows(1, 3), generatedRows(500, 4), generatedRows(17, 5), generatedRows(2000, 6)]],
  ]
  for (const [name, groups] of cases) {
    it(`${name}: identical table, types and statistics`, async () => {
      const { reference, candidate } = await writeBoth(groups)
      await withDuckDb(async (db) => {
        await expectSameTable(
          db,
          reference,
          candidate,
          groups.reduce((n, g) => n + g.length, 0),
        )
        const [want, got] = [await statistics(db, reference), await statistics(db, candidate)]
        expect(got).toEqual(want)
        for (const stat of got) {
          const column = COLUMNS.find((c) => c.name === stat.path_in_schema)
          if (column?.kind === 'json') expect(stat.stats_null_count, column.name).toBeNull()
          else expect(stat.stats_null_count, column?.name).not.toBeNull()
        }
      })
    })
  }

  it('huge strings and JSON documents (pages split past 1 MiB) read back identically, also through hyparquet', async () => {
    const groups = [generatedRows(40, 7, { hugeEvery: 9 })]
    const { reference, candidate, bytes } = await writeBoth(groups)
    await withDuckDb((db) => expectSameTable(db, reference, candidate, 40))
    const table = openParquet(bytes)
    expect(await table.readRows(0, 40)).toEqual(groups[0])
  })

  it('columns that are entirely null, or one repeated value, or all distinct', async () => {
    const base = generatedRows(64, 8)
    const nulls = base.map((row) => row.map((value, c) => (COLUMNS[c].required ? value : null)))
    const repeated = base.map((row) =>
      row.map((value, c) => (COLUMNS[c].required ? value : COLUMNS[c].kind === 'int32' ? 7 : COLUMNS[c].kind === 'boolean' ? true : 'same')),
    )
    const distinct = base.map((row, r) => row.map((value, c) => (COLUMNS[c].kind === 'string' && !COLUMNS[c].required ? `${COLUMNS[c].name}-${r}` : value)))
    const { reference, candidate } = await writeBoth([nulls, repeated, distinct])
    await withDuckDb(async (db) => {
      await expectSameTable(db, reference, candidate, 192)
      expect(await statistics(db, candidate)).toEqual(await statistics(db, reference))
      const encodings = await db.rows(`SELECT row_group_id, path_in_schema, encodings FROM parquet_metadata(${candidate}) WHERE path_in_schema = 'user_agent'`)
      expect(encodings.map((e) => String(e.encodings).includes('DICTIONARY'))).toEqual([false, true, false])
    })
  })

  it('writes no dictionary for columns unique per row, even when their values repeat', async () => {
    const rows = generatedRows(100, 9).map((row) => row.map((value, c) => (COLUMNS[c].name === 'event_id' ? 'same' : value)))
    const { candidate } = await writeBoth([rows])
    const meta = await withDuckDb((db) => db.rows(`SELECT encodings FROM parquet_metadata(${candidate}) WHERE path_in_schema = 'event_id'`))
    expect(String(meta[0].encodings)).not.toContain('DICTIONARY')
  })

  it('a file without rows (a compaction tombstone) has the table schema and reads as empty', async () => {
    const { reference, candidate } = await writeBoth([])
    await withDuckDb((db) => expectSameTable(db, reference, candidate, 0))
  })

  it('streamed (bytes taken after each row group, footer at the end) gives the very same file', async () => {
    const groups = [generatedRows(500, 11), generatedRows(3, 12), generatedRows(40, 13, { hugeEvery: 9 }), generatedRows(1200, 14)]
    const { reference, bytes: whole } = await writeBoth(groups)
    const file = new FixedSchemaEncoder()
    const parts: Uint8Array[] = []
    for (const group of groups) {
      file.addRowGroup(toColumns(group))
      expect(file.pendingBytes).toBeGreaterThan(0)
      parts.push(file.take())
      expect(file.pendingBytes).toBe(0)
    }
    parts.push(file.finish())
    const streamed = Buffer.concat(parts)
    expect(streamed.equals(Buffer.from(whole))).toBe(true)
    const at = path.join(await tempDir('ccc-fixed-streamed'), 'streamed.parquet')
    await writeFile(at, streamed)
    await withDuckDb(async (db) => {
      await expectSameTable(db, reference, sqlString(at), 1743)
      expect(await statistics(db, sqlString(at))).toEqual(await statistics(db, reference))
    })
  })

  it('refuses a null in a required column instead of writing a file readers reject', () => {
    const rows = generatedRows(3, 10)
    rows[1][COLUMNS.findIndex((c) => c.name === 'source_object')] = null
    expect(() => new FixedSchemaEncoder().addRowGroup(toColumns(rows))).toThrow(/required/)
  })
})

describe('compareUtf8', () => {
  it('orders strings as their UTF-8 bytes do', () => {
    const texts = [...AWKWARD_TEXT, 'a', 'ab', 'b', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\u{10000}', '\u{10ffff}']
    const byBytes = [...texts].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    expect([...texts].sort(compareUtf8)).toEqual(byBytes)
  })
})
