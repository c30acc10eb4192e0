import { COLUMNS, UNIQUE_PER_ROW, type Value } from '../schema/columns.js'
import { ByteSink } from './byte-sink.js'
import type { ColumnBatch, FileEncoder, TableColumn } from './file-encoder.js'
import { bitWidthFor, writeRleHybrid } from './rle-hybrid.js'
import { compressInto, maxCompressedLength } from './snappy.js'
import { type ChunkStatistics, int32Bytes, int64Bytes, numberStatistics, textStatistics } from './statistics-bounds.js'
import { ThriftWriter } from './thrift-compact.js'

/**
 * A Parquet writer specialised for tables of our own column kinds (ccc_events is one): the same file
 * the hyparquet-writer path produces — schema, SNAPPY, statistics, dictionaries — without its
 * per-file generic machinery. Page headers and the footer are Thrift written straight into one output
 * buffer with plain numbers; pages are DATA_PAGE (v1) so every Parquet reader takes them.
 */

const CREATED_BY = 'ccc-trail (fixed-schema encoder)'
const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]) // PAR1
const PAGE_BYTES = 1 << 20
/** A dictionary is abandoned when its values would hold more than this. */
const MAX_DICTIONARY_BYTES = 1 << 20

// parquet.thrift enums
const Type = { BOOLEAN: 0, INT32: 1, INT64: 2, BYTE_ARRAY: 6 } as const
const Repetition = { REQUIRED: 0, OPTIONAL: 1 } as const
const Converted = { UTF8: 0, TIMESTAMP_MILLIS: 9 } as const
const Encoding = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const
const PageType = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const
const SNAPPY = 1

// parquet.thrift field ids of the structs written here
const PageHeader = { type: 1, uncompressed_page_size: 2, compressed_page_size: 3, data_page_header: 5, dictionary_page_header: 7 } as const
const DataPageHeader = { num_values: 1, encoding: 2, definition_level_encoding: 3, repetition_level_encoding: 4 } as const
const DictionaryPageHeader = { num_values: 1, encoding: 2 } as const
const FileMetaData = { version: 1, schema: 2, num_rows: 3, row_groups: 4, created_by: 6, column_orders: 7 } as const
const SchemaElement = { type: 1, repetition_type: 3, name: 4, num_children: 5, converted_type: 6, logicalType: 10 } as const
const LogicalType = { TIMESTAMP: 8 } as const
const TimestampType = { isAdjustedToUTC: 1, unit: 2 } as const
const TimeUnit = { MILLIS: 1 } as const
const RowGroup = { columns: 1, total_byte_size: 2, num_rows: 3, file_offset: 5, total_compressed_size: 6 } as const
const ColumnChunk = { file_offset: 2, meta_data: 3 } as const
const ColumnMetaData = {
  type: 1,
  encodings: 2,
  path_in_schema: 3,
  codec: 4,
  num_values: 5,
  total_uncompressed_size: 6,
  total_compressed_size: 7,
  data_page_offset: 9,
  dictionary_page_offset: 11,
  statistics: 12,
} as const
const Statistics = { null_count: 3, max_value: 5, min_value: 6, is_max_value_exact: 7, is_min_value_exact: 8 } as const
const ColumnOrder = { TYPE_ORDER: 1 } as const
const FORMAT_VERSION = 2

interface ColumnPlan {
  readonly column: TableColumn
  readonly type: number
  /** Statistics are written for every column but JSON documents (see parquet.ts). */
  readonly statistics: boolean
  readonly tryDictionary: boolean
}

interface ChunkMeta extends ChunkStatistics {
  type: number
  encodings: number[]
  path: string
  numValues: number
  uncompressed: number
  compressed: number
  dataPageOffset: number
  dictionaryPageOffset: number | undefined
}

interface RowGroupMeta {
  rows: number
  fileOffset: number
  chunks: ChunkMeta[]
}

function planFor(column: TableColumn, uniquePerRow: ReadonlySet<string>): ColumnPlan {
  const text = column.kind === 'string' || column.kind === 'json'
  const type = column.kind === 'timestamp' ? Type.INT64 : column.kind === 'int32' ? Type.INT32 : column.kind === 'boolean' ? Type.BOOLEAN : Type.BYTE_ARRAY
  return { column, type, statistics: column.kind !== 'json', tryDictionary: text && !uniquePerRow.has(column.name) }
}

/** Working buffers shared by every encoder on this thread (encoding is synchronous). */
const scratch = { page: new ByteSink(1 << 16), values: new ByteSink(1 << 16), compressed: new Uint8Array(1 << 16), levels: new Uint8Array(1 << 12) }
/** Past this a scratch buffer grown for one huge value or row group is dropped, so it is not held for the thread's life. */
const SCRATCH_KEEP_BYTES = 8 << 20

function releaseLargeScratch(): void {
  if (scratch.page.buffer.length > SCRATCH_KEEP_BYTES) scratch.page = new ByteSink(1 << 16)
  if (scratch.values.buffer.length > SCRATCH_KEEP_BYTES) scratch.values = new ByteSink(1 << 16)
  if (scratch.compressed.length > SCRATCH_KEEP_BYTES) scratch.compressed = new Uint8Array(1 << 16)
  if (scratch.levels.length > SCRATCH_KEEP_BYTES) scratch.levels = new Uint8Array(1 << 12)
}
const utf8 = new TextEncoder()

export class FixedSchemaEncoder implements FileEncoder {
  private readonly out = new ByteSink(16 * 1024)
  private readonly plans: ColumnPlan[]
  private readonly rowGroups: RowGroupMeta[] = []
  /** Bytes already handed over by `take`: file offsets are this plus the position in `out`. */
  private taken = 0
  rows = 0

  constructor(
    private readonly columns: readonly TableColumn[] = COLUMNS,
    uniquePerRow: ReadonlySet<string> = UNIQUE_PER_ROW,
  ) {
    this.plans = columns.map((column) => planFor(column, uniquePerRow))
    this.out.bytes(MAGIC)
  }

  /** Appends one row group; rows should already be in event_time order. */
  addRowGroup(columns: ColumnBatch): void {
    const count = columns[0]?.length ?? 0
    if (count === 0) return
    const fileOffset = this.position
    const chunks = this.plans.map((plan, i) => this.writeChunk(plan, columns[i], count))
    releaseLargeScratch()
    this.rowGroups.push({ rows: count, fileOffset, chunks })
    this.rows += count
  }

  /** Bytes written so far (row groups only; the footer adds a little). */
  get size(): number {
    return this.position
  }

  /** Where the next byte goes in the file. */
  private get position(): number {
    return this.taken + this.out.offset
  }

  get pendingBytes(): number {
    return this.out.offset
  }

  /** Hands over the bytes encoded so far (whole row groups), so that the file can be streamed out. */
  take(): Uint8Array {
    this.taken += this.out.offset
    return this.out.take()
  }

  /** The rest of the file: everything not yet taken, footer included. */
  finish(): Uint8Array {
    const footerStart = this.out.offset
    this.writeFooter()
    this.out.int32(this.out.offset - footerStart)
    this.out.bytes(MAGIC)
    return this.out.toBytes()
  }

  private writeChunk(plan: ColumnPlan, values: Value[], count: number): ChunkMeta {
    const { column } = plan
    if (values.length !== count) throw new Error(`column ${column.name} has ${values.length} values, expected ${count}`)
    const levels = definitionLevels(values, count, column.required)
    const chunk: ChunkMeta = {
      type: plan.type,
      encodings: [],
      path: column.name,
      numValues: count,
      uncompressed: 0,
      compressed: 0,
      dataPageOffset: 0,
      dictionaryPageOffset: undefined,
      nullCount: undefined,
      min: undefined,
      max: undefined,
      minExact: true,
      maxExact: true,
    }
    const start = this.out.offset
    switch (column.kind) {
      case 'timestamp':
        this.writeFixedWidth(chunk, values, levels, count, 8, writeInt64s)
        if (plan.statistics) numberStatistics(chunk, values, (v) => int64Bytes(v))
        break
      case 'int32':
        this.writeFixedWidth(chunk, values, levels, count, 4, writeInt32s)
        if (plan.statistics) numberStatistics(chunk, values, (v) => int32Bytes(v))
        break
      case 'boolean':
        this.writeFixedWidth(chunk, values, levels, count, count, writeBooleans)
        if (plan.statistics) numberStatistics(chunk, values, (v) => Uint8Array.of(v ? 1 : 0))
        break
      case 'string':
      case 'json':
        this.writeText(plan, chunk, values, levels, count)
        break
    }
    chunk.compressed = this.out.offset - start
    if (!column.required) chunk.encodings.push(Encoding.RLE)
    return chunk
  }

  /** Columns of fixed-width values: pages of about PAGE_BYTES each. */
  private writeFixedWidth(
    chunk: ChunkMeta,
    values: Value[],
    levels: Uint8Array | undefined,
    count: number,
    width: number,
    write: (out: ByteSink, values: Value[], from: number, to: number) => void,
  ): void {
    chunk.encodings.push(Encoding.PLAIN)
    chunk.dataPageOffset = this.position
    const rowsPerPage = width >= count ? count : Math.max(1, Math.floor(PAGE_BYTES / width))
    for (let from = 0; from < count; from += rowsPerPage) {
      const to = Math.min(count, from + rowsPerPage)
      const page = startPage(levels, from, to)
      write(page, values, from, to)
      chunk.uncompressed += this.writePage(PageType.DATA_PAGE, to - from, Encoding.PLAIN, page)
    }
  }

  private writeText(plan: ColumnPlan, chunk: ChunkMeta, values: Value[], levels: Uint8Array | undefined, count: number): void {
    if (plan.tryDictionary && this.writeDictionaryText(plan, chunk, values, levels, count)) return
    chunk.encodings.push(Encoding.PLAIN)
    chunk.dataPageOffset = this.position
    let min: string | undefined
    let max: string | undefined
    let from = 0
    const encoded = scratch.values
    encoded.offset = 0
    for (let r = 0; r < count; r++) {
      const value = values[r]
      if (value !== null) {
        const text = value as string
        appendByteArray(encoded, text)
        if (plan.statistics) {
          if (min === undefined || compareUtf8(text, min) < 0) min = text
          if (max === undefined || compareUtf8(text, max) > 0) max = text
        }
      }
      if (encoded.offset >= PAGE_BYTES || r === count - 1) {
        const page = startPage(levels, from, r + 1)
        page.bytes(encoded.buffer.subarray(0, encoded.offset))
        chunk.uncompressed += this.writePage(PageType.DATA_PAGE, r + 1 - from, Encoding.PLAIN, page)
        encoded.offset = 0
        from = r + 1
      }
    }
    if (plan.statistics) textStatistics(chunk, count - nonNullCount(values), min, max)
  }

  /** Dictionary page + one data page of indices; false (nothing written) when a dictionary does not pay. */
  private writeDictionaryText(plan: ColumnPlan, chunk: ChunkMeta, values: Value[], levels: Uint8Array | undefined, count: number): boolean {
    const ids = new Map<string, number>()
    const indices = new Int32Array(count)
    let nonNull = 0
    let dictionaryBytes = 0
    const distinctLimit = count / 2
    for (let r = 0; r < count; r++) {
      const value = values[r]
      if (value === null) continue
      let id = ids.get(value as string)
      if (id === undefined) {
        id = ids.size
        if (id >= distinctLimit) return false
        dictionaryBytes += (value as string).length
        if (dictionaryBytes > MAX_DICTIONARY_BYTES) return false
        ids.set(value as string, id)
      }
      indices[nonNull++] = id
    }
    if (nonNull === 0) return false
    const dictionary = [...ids.keys()]
    const dictionaryPage = scratch.page
    dictionaryPage.offset = 0
    let min = dictionary[0]
    let max = dictionary[0]
    for (const text of dictionary) {
      appendByteArray(dictionaryPage, text)
      if (compareUtf8(text, min) < 0) min = text
      if (compareUtf8(text, max) > 0) max = text
    }
    chunk.dictionaryPageOffset = this.position
    chunk.uncompressed += this.writePage(PageType.DICTIONARY_PAGE, dictionary.length, Encoding.PLAIN, dictionaryPage)
    chunk.encodings.push(Encoding.PLAIN, Encoding.RLE_DICTIONARY)
    chunk.dataPageOffset = this.position
    const page = startPage(levels, 0, count)
    const bitWidth = bitWidthFor(dictionary.length - 1)
    page.byte(bitWidth)
    writeRleHybrid(page, indices, nonNull, bitWidth)
    chunk.uncompressed += this.writePage(PageType.DATA_PAGE, count, Encoding.RLE_DICTIONARY, page)
    if (plan.statistics) textStatistics(chunk, count - nonNull, min, max)
    return true
  }

  /** Compresses the page body and writes header + body; returns the uncompressed size (header included). */
  private writePage(pageType: number, numValues: number, encoding: number, body: ByteSink): number {
    const length = body.offset
    const bound = maxCompressedLength(length)
    if (scratch.compressed.length < bound) scratch.compressed = new Uint8Array(Math.max(bound, scratch.compressed.length * 2))
    const compressedLength = compressInto(body.buffer.subarray(0, length), scratch.compressed, 0)
    const headerStart = this.out.offset
    const thrift = new ThriftWriter(this.out)
    thrift.begin()
    thrift.i32(PageHeader.type, pageType)
    thrift.i32(PageHeader.uncompressed_page_size, length)
    thrift.i32(PageHeader.compressed_page_size, compressedLength)
    if (pageType === PageType.DATA_PAGE) {
      thrift.struct(PageHeader.data_page_header)
      thrift.i32(DataPageHeader.num_values, numValues)
      thrift.i32(DataPageHeader.encoding, encoding)
      thrift.i32(DataPageHeader.definition_level_encoding, Encoding.RLE)
      thrift.i32(DataPageHeader.repetition_level_encoding, Encoding.RLE)
      thrift.end()
    } else {
      thrift.struct(PageHeader.dictionary_page_header)
      thrift.i32(DictionaryPageHeader.num_values, numValues)
      thrift.i32(DictionaryPageHeader.encoding, encoding)
      thrift.end()
    }
    thrift.end()
    const headerLength = this.out.offset - headerStart
    this.out.bytes(scratch.compressed.subarray(0, compressedLength))
    return headerLength + length
  }

  private writeFooter(): void {
    const t = new ThriftWriter(this.out)
    t.begin()
    t.i32(FileMetaData.version, FORMAT_VERSION)
    t.structList(FileMetaData.schema, this.columns.length + 1)
    t.begin()
    t.string(SchemaElement.name, 'schema')
    t.i32(SchemaElement.num_children, this.columns.length)
    t.end()
    for (const plan of this.plans) writeSchemaElement(t, plan)
    t.i64(FileMetaData.num_rows, this.rows)
    t.structList(FileMetaData.row_groups, this.rowGroups.length)
    for (const group of this.rowGroups) {
      t.begin()
      t.structList(RowGroup.columns, group.chunks.length)
      let uncompressed = 0
      let compressed = 0
      for (const chunk of group.chunks) {
        writeColumnChunk(t, chunk)
        uncompressed += chunk.uncompressed
        compressed += chunk.compressed
      }
      t.i64(RowGroup.total_byte_size, uncompressed)
      t.i64(RowGroup.num_rows, group.rows)
      t.i64(RowGroup.file_offset, group.fileOffset)
      t.i64(RowGroup.total_compressed_size, compressed)
      t.end()
    }
    t.string(FileMetaData.created_by, CREATED_BY)
    t.structList(FileMetaData.column_orders, this.columns.length) // TYPE_ORDER for each column, so readers trust min/max
    for (let i = 0; i < this.columns.length; i++) {
      t.begin()
      t.struct(ColumnOrder.TYPE_ORDER)
      t.end()
      t.end()
    }
    t.end()
  }
}

function writeSchemaElement(t: ThriftWriter, plan: ColumnPlan): void {
  const { column } = plan
  t.begin()
  t.i32(SchemaElement.type, plan.type)
  t.i32(SchemaElement.repetition_type, column.required ? Repetition.REQUIRED : Repetition.OPTIONAL)
  t.string(SchemaElement.name, column.name)
  if (column.kind === 'timestamp') {
    t.i32(SchemaElement.converted_type, Converted.TIMESTAMP_MILLIS)
    t.struct(SchemaElement.logicalType)
    t.struct(LogicalType.TIMESTAMP)
    t.bool(TimestampType.isAdjustedToUTC, true)
    t.struct(TimestampType.unit)
    t.struct(TimeUnit.MILLIS)
    t.end()
    t.end()
    t.end()
    t.end()
  } else if (column.kind === 'string' || column.kind === 'json') {
    t.i32(SchemaElement.converted_type, Converted.UTF8)
  }
  t.end()
}

function writeColumnChunk(t: ThriftWriter, chunk: ChunkMeta): void {
  t.begin()
  t.i64(ColumnChunk.file_offset, chunk.dictionaryPageOffset ?? chunk.dataPageOffset)
  t.struct(ColumnChunk.meta_data)
  t.i32(ColumnMetaData.type, chunk.type)
  t.i32List(ColumnMetaData.encodings, chunk.encodings)
  t.stringList(ColumnMetaData.path_in_schema, [chunk.path])
  t.i32(ColumnMetaData.codec, SNAPPY)
  t.i64(ColumnMetaData.num_values, chunk.numValues)
  t.i64(ColumnMetaData.total_uncompressed_size, chunk.uncompressed)
  t.i64(ColumnMetaData.total_compressed_size, chunk.compressed)
  t.i64(ColumnMetaData.data_page_offset, chunk.dataPageOffset)
  if (chunk.dictionaryPageOffset !== undefined) t.i64(ColumnMetaData.dictionary_page_offset, chunk.dictionaryPageOffset)
  if (chunk.nullCount !== undefined) {
    t.struct(ColumnMetaData.statistics)
    t.i64(Statistics.null_count, chunk.nullCount)
    if (chunk.max) t.binary(Statistics.max_value, chunk.max)
    if (chunk.min) t.binary(Statistics.min_value, chunk.min)
    if (!chunk.maxExact) t.bool(Statistics.is_max_value_exact, false)
    if (!chunk.minExact) t.bool(Statistics.is_min_value_exact, false)
    t.end()
  }
  t.end()
  t.end()
}

/** Definition levels (1 = present) for an optional column; undefined for a required one. */
function definitionLevels(values: Value[], count: number, required: boolean): Uint8Array | undefined {
  if (required) {
    for (let r = 0; r < count; r++) if (values[r] === null || values[r] === undefined) throw new Error('a required column holds a null')
    return undefined
  }
  if (scratch.levels.length < count) scratch.levels = new Uint8Array(Math.max(count, scratch.levels.length * 2))
  const levels = scratch.levels
  for (let r = 0; r < count; r++) levels[r] = values[r] === null ? 0 : 1
  return levels
}

/** Resets the page scratch buffer and writes the rows' definition levels (v1: 4-byte length first). */
function startPage(levels: Uint8Array | undefined, from: number, to: number): ByteSink {
  const page = scratch.page
  page.offset = 0
  if (levels) {
    page.int32(0)
    const start = page.offset
    writeRleHybrid(page, levels.subarray(from, to), to - from, 1)
    const length = page.offset - start
    page.buffer[0] = length
    page.buffer[1] = length >>> 8
    page.buffer[2] = length >>> 16
    page.buffer[3] = length >>> 24
  }
  return page
}

function appendByteArray(out: ByteSink, text: string): void {
  out.reserve(4 + text.length * 3)
  const start = out.offset
  const written = text.length <= SHORT_TEXT ? writeShortUtf8(out.buffer, start + 4, text) : utf8.encodeInto(text, out.buffer.subarray(start + 4)).written
  out.int32(written)
  out.offset = start + 4 + written
}

/**
 * Below this length a JS loop writes ASCII text faster than TextEncoder.encodeInto, whose call, view
 * and result object cost ~40 ns a value (most values are short ids, names and addresses).
 */
const SHORT_TEXT = 64

function writeShortUtf8(buffer: Uint8Array, at: number, text: string): number {
  const n = text.length
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i)
    if (code > 0x7f) return utf8.encodeInto(text, buffer.subarray(at)).written
    buffer[at + i] = code
  }
  return n
}

function writeInt64s(out: ByteSink, values: Value[], from: number, to: number): void {
  for (let r = from; r < to; r++) if (values[r] !== null) out.int64(values[r] as number)
}

function writeInt32s(out: ByteSink, values: Value[], from: number, to: number): void {
  for (let r = from; r < to; r++) if (values[r] !== null) out.int32(values[r] as number)
}

function writeBooleans(out: ByteSink, values: Value[], from: number, to: number): void {
  let byte = 0
  let bit = 0
  for (let r = from; r < to; r++) {
    const value = values[r]
    if (value === null) continue
    if (value) byte |= 1 << bit
    if (++bit === 8) {
      out.byte(byte)
      byte = 0
      bit = 0
    }
  }
  if (bit > 0) out.byte(byte)
}

function nonNullCount(values: Value[]): number {
  let n = 0
  for (const value of values) if (value !== null) n++
  return n
}

/**
 * Orders strings as their UTF-8 bytes compare (Parquet's order for BYTE_ARRAY statistics). UTF-16
 * code-unit order agrees except between a surrogate (U+D800–DFFF) and U+E000–FFFF, fixed up here.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000
    }
    return x - y
  }
  return a.length - b.length
}
