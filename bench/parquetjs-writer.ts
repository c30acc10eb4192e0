import { Writable } from 'node:stream'
import parquet from 'parquetjs-lite'
import { COLUMNS, type ColumnKind, type Value } from '../lib/schema/columns.js'
import type { ColumnBatch, EncoderFactory, FileEncoder } from '../lib/write/file-encoder.js'

/**
 * The benchmark's comparison writer: the same table written with parquetjs-lite (SNAPPY,
 * statistics on, as its defaults go). The only module that imports parquetjs-lite.
 */

const TYPES: Record<ColumnKind, string> = { string: 'UTF8', json: 'UTF8', timestamp: 'TIMESTAMP_MILLIS', int32: 'INT32', boolean: 'BOOLEAN' }

const SCHEMA = new parquet.ParquetSchema(
  Object.fromEntries(COLUMNS.map((c) => [c.name, { type: TYPES[c.kind], optional: !c.required, compression: 'SNAPPY' }])),
)

class ParquetjsLiteEncoder implements FileEncoder {
  rows = 0
  private readonly groups: ColumnBatch[] = []

  addRowGroup(columns: ColumnBatch): void {
    this.groups.push(columns)
    this.rows += columns[0]?.length ?? 0
  }

  async finish(): Promise<Uint8Array> {
    const chunks: Buffer[] = []
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk), done()) })
    const writer = await parquet.ParquetWriter.openStream(SCHEMA, sink, { rowGroupSize: Math.max(1, this.groups[0]?.[0]?.length ?? 1) })
    for (const columns of this.groups) {
      for (let r = 0; r < columns[0].length; r++) await writer.appendRow(rowOf(columns, r))
    }
    await writer.close()
    return Buffer.concat(chunks)
  }
}

/** parquetjs-lite takes row objects; an absent key is a null. */
function rowOf(columns: ColumnBatch, r: number): Record<string, Value> {
  const row: Record<string, Value> = {}
  for (let c = 0; c < COLUMNS.length; c++) {
    const value = columns[c][r]
    if (value !== null) row[COLUMNS[c].name] = value
  }
  return row
}

export const createEncoder: EncoderFactory = () => new ParquetjsLiteEncoder()
