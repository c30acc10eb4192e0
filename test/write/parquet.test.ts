import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { eventToRow } from '../../lib/normalize/to-row.js'
import { sqlString, withDuckDb } from '../../lib/query/duckdb.js'
import { COLUMN_NAMES, COLUMNS, toColumns, UNIQUE_PER_ROW, type Value } from '../../lib/schema/columns.js'
import { ParquetFileBuilder } from '../../lib/write/parquet.js'
import { tempDir } from '../support/temp.js'

function row(overrides: Record<string, unknown>): Value[] {
  const verdict = eventToRow({ ...seedSampleEvent(), ...overrides }, 'k.gz')
  if (verdict.kind !== 'row') throw new Error(`expected a row, got ${verdict.kind}`)
  return verdict.row
}

async function written(file: ParquetFileBuilder): Promise<string> {
  const at = path.join(await tempDir('ccc-parquet'), 'part.parquet')
  await writeFile(at, file.finish())
  return sqlString(at)
}

describe('ParquetFileBuilder', () => {
  it('writes row groups that DuckDB reads back value for value, with the table schema', async () => {
    const rows = [
      row({ eventId: 'a', eventTime: '2021-02-03T04:10:08.123Z' }),
      row({ eventId: 'b', userAgent: null, isGlobal: true }),
      row({ eventId: 'c', eventVersion: 2 }),
    ]
    const file = new ParquetFileBuilder()
    file.addRowGroup(toColumns(rows.slice(0, 2)))
    file.addRowGroup(toColumns(rows.slice(2)))
    file.addRowGroup(toColumns([]))
    expect(file.rows).toBe(3)
    const at = await written(file)
    await withDuckDb(async (db) => {
      const back = await db.rows(`SELECT * EXCLUDE (event_time), epoch_ms(event_time) AS event_ms FROM read_parquet(${at}) ORDER BY event_id`)
      const expected = rows.map((r) =>
        Object.fromEntries(COLUMN_NAMES.map((name, i) => [name === 'event_time' ? 'event_ms' : name, name === 'event_time' ? String(r[i]) : r[i]])),
      )
      expect(
        back.map((r) =>
          Object.fromEntries(COLUMN_NAMES.map((name) => [name === 'event_time' ? 'event_ms' : name, r[name === 'event_time' ? 'event_ms' : name]])),
        ),
      ).toEqual(expected)
      const schema = await db.rows(`SELECT name, type, converted_type FROM parquet_schema(${at}) WHERE name <> 'schema'`)
      expect(schema.map((c) => c.name)).toEqual(COLUMN_NAMES)
      expect(schema.find((c) => c.name === 'event_time')).toMatchObject({ type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' })
      const groups = await db.rows(`SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${at}) ORDER BY row_group_id`)
      expect(groups.map((g) => Number(g.row_group_num_rows))).toEqual([2, 1])
    })
  })

  it('writes no dictionary for columns unique per row, and no statistics for JSON documents', async () => {
    const file = new ParquetFileBuilder()
    file.addRowGroup(toColumns([row({ eventId: 'a' }), row({ eventId: 'b' })]))
    const at = await written(file)
    const meta = await withDuckDb((db) => db.rows(`SELECT path_in_schema AS name, encodings, stats_min FROM parquet_metadata(${at})`))
    for (const column of COLUMNS) {
      const entry = meta.find((m) => m.name === column.name)
      if (column.kind === 'json') expect(entry?.stats_min, column.name).toBeNull()
    }
    for (const name of UNIQUE_PER_ROW) expect(String(meta.find((m) => m.name === name)?.encodings), name).not.toContain('DICTIONARY')
    // A repeating text column does get one: the check above is not vacuous.
    expect(String(meta.find((m) => m.name === 'user_agent')?.encodings)).toContain('DICTIONARY')
  })
})
