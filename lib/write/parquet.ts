import type { RowGroup } from 'hyparquet'
import type { ColumnSource, SchemaElement } from 'hyparquet-writer'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import { COLUMNS, UNIQUE_PER_ROW, type Value } from '../schema/columns.js'
import type { ColumnBatch, FileEncoder, TableColumn } from './file-encoder.js'

/**
 * The only module that knows hyparquet-writer: the API catalog's table, and the reference encoder the
 * fixed-schema encoder is tested against. Loaded only where those are needed (it costs ~60 ms to load).
 */

const CREATED_BY = 'ccc-trail (hyparquet-writer)'

function schemaElement(column: TableColumn): SchemaElement {
  const repetition_type = column.required ? 'REQUIRED' : 'OPTIONAL'
  const name = column.name
  switch (column.kind) {
    case 'timestamp':
      return {
        name,
        repetition_type,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MILLIS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
      }
    case 'int32':
      return { name, repetition_type, type: 'INT32' }
    case 'boolean':
      return { name, repetition_type, type: 'BOOLEAN' }
    case 'string':
    case 'json':
      return { name, repetition_type, type: 'BYTE_ARRAY', converted_type: 'UTF8' }
  }
}

export const PARQUET_SCHEMA: SchemaElement[] = [{ name: 'schema', num_children: COLUMNS.length }, ...COLUMNS.map(schemaElement)]

/**
 * How each column is written. JSON documents get no min/max statistics: nobody prunes on them,
 * comparing them costs more than encoding them, and whole documents would be copied into the footer.
 */
const COLUMN_SETTINGS = COLUMNS.map((column) => ({
  name: column.name,
  nullable: !column.required,
  statistics: column.kind !== 'json',
  encoding: UNIQUE_PER_ROW.has(column.name) ? ('PLAIN' as const) : undefined,
}))

/** Plain-encoded text columns: handed over as UTF-8 bytes (see utf8Views). */
const PLAIN_TEXT = COLUMNS.map((column) => UNIQUE_PER_ROW.has(column.name) && (column.kind === 'string' || column.kind === 'json'))

/** A ByteWriter whose bytes can be handed over part way: the parquet writer only appends and counts `offset`. */
class TakingByteWriter extends ByteWriter {
  take(): Uint8Array {
    // An exact copy: the grown buffer (up to twice the bytes) is garbage at once instead of queued.
    const bytes = new Uint8Array(this.buffer.slice(0, this.index))
    this.buffer = new ArrayBuffer(64 * 1024)
    this.view = new DataView(this.buffer)
    this.index = 0
    return bytes
  }
}

/** A Parquet file built row group by row group, kept as bytes until taken or `finish`ed. */
export class ParquetFileBuilder implements FileEncoder {
  private readonly bytes = new TakingByteWriter(64 * 1024)
  private readonly writer = new ParquetWriter({ writer: this.bytes, schema: PARQUET_SCHEMA, codec: 'SNAPPY', statistics: true, createdBy: CREATED_BY })
  rows = 0

  /** Appends one row group; rows should already be in event_time order. */
  addRowGroup(columns: ColumnBatch): void {
    const count = columns[0]?.length ?? 0
    if (count === 0) return
    const columnData: ColumnSource[] = COLUMN_SETTINGS.map((settings, i) => ({ ...settings, data: PLAIN_TEXT[i] ? utf8Views(columns[i]) : columns[i] }))
    void this.writer.write({ columnData, rowGroupSize: count })
    detachStatistics(this.writer.row_groups.at(-1))
    this.rows += count
  }

  /** Bytes written so far (row groups only; the footer adds a little). */
  get size(): number {
    return this.bytes.offset
  }

  get pendingBytes(): number {
    return this.bytes.index
  }

  take(): Uint8Array {
    return this.bytes.take()
  }

  finish(): Uint8Array {
    void this.writer.finish()
    return this.bytes.getBytes()
  }
}

/**
 * The strings of a column as UTF-8 views into one buffer. The library would otherwise encode each
 * value into its own ArrayBuffer; one allocation per column is much cheaper. The buffer is not
 * reused: min/max statistics keep views into it until the footer is written.
 */
function utf8Views(values: Value[]): (Uint8Array | Value)[] {
  let total = 0
  for (const value of values) if (typeof value === 'string') total += Buffer.byteLength(value)
  const buffer = Buffer.allocUnsafeSlow(total)
  let offset = 0
  return values.map((value) => {
    if (typeof value !== 'string') return value
    const length = buffer.write(value, offset)
    const view = buffer.subarray(offset, offset + length)
    offset += length
    return view
  })
}

/**
 * Min/max statistics of plain text columns are views into the row group's UTF-8 buffer (utf8Views):
 * held until the footer, they would keep every row group's buffer alive, so memory would grow with
 * the file. Copies of the two values let each buffer go once its row group is encoded.
 */
function detachStatistics(rowGroup: RowGroup | undefined): void {
  for (const column of rowGroup?.columns ?? []) {
    const statistics = column.meta_data?.statistics
    if (!statistics) continue
    // new Uint8Array(view) copies; Buffer's slice() would only make another view.
    if (statistics.min_value instanceof Uint8Array) statistics.min_value = new Uint8Array(statistics.min_value)
    if (statistics.max_value instanceof Uint8Array) statistics.max_value = new Uint8Array(statistics.max_value)
  }
}

/** One whole small table (e.g. the API catalog) as a Parquet file: `rows[r][c]` is the value of `columns[c]`. */
export function encodeTable(columns: readonly TableColumn[], rows: readonly Value[][]): Uint8Array {
  const bytes = new ByteWriter(16 * 1024)
  const schema: SchemaElement[] = [{ name: 'schema', num_children: columns.length }, ...columns.map(schemaElement)]
  const writer = new ParquetWriter({ writer: bytes, schema, codec: 'SNAPPY', statistics: true, createdBy: CREATED_BY })
  if (rows.length > 0) {
    const columnData: ColumnSource[] = columns.map((column, c) => ({ name: column.name, data: rows.map((row) => row[c]), nullable: !column.required }))
    void writer.write({ columnData, rowGroupSize: rows.length })
  }
  void writer.finish()
  return bytes.getBytes()
}
