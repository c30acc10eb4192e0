import { type AsyncBuffer, type FileMetaData, parquetMetadata, parquetRead } from 'hyparquet'
import { COLUMNS, type Value } from '../schema/columns.js'

/** The only module that knows the Parquet reader (hyparquet). File bytes in, rows in COLUMNS order out. */

export interface RowGroupSpan {
  rowStart: number
  rowEnd: number
  /** Smallest event_time (epoch millis) in the group from its statistics; -Infinity when the file has none. */
  minTime: number
}

export interface ParquetTable {
  rows: number
  rowGroups: RowGroupSpan[]
  /** Rows [rowStart, rowEnd) as arrays in COLUMNS order; a column the file lacks reads as null. */
  readRows(rowStart: number, rowEnd: number): Promise<Value[][]>
  /** Every value of one column (e.g. source_object), in row order. */
  readColumn(name: string): Promise<Value[]>
  /** Every row, with only `names` read, as arrays in `names` order (a column the file lacks reads as null). */
  readColumns(names: readonly string[]): Promise<Value[][]>
}

// Timestamps as epoch millis (numbers), the way the writer takes them, not Date objects.
const PARSERS = { timestampFromMilliseconds: (millis: bigint) => Number(millis) }

export function openParquet(bytes: Uint8Array): ParquetTable {
  const file = asyncBuffer(bytes)
  const metadata = parquetMetadata(bytes, { parsers: PARSERS })
  const present = new Set(metadata.schema.slice(1).map((element) => element.name))
  const wanted = COLUMNS.map((c) => c.name).filter((name) => present.has(name))
  return {
    rows: Number(metadata.num_rows),
    rowGroups: rowGroupSpans(metadata),
    async readRows(rowStart, rowEnd) {
      if (rowEnd <= rowStart) return []
      const read = await readArrays(file, metadata, wanted, rowStart, rowEnd)
      return read.map((values) => {
        const byName = new Map(wanted.map((name, i) => [name, values[i]]))
        return COLUMNS.map((c) => (byName.get(c.name) ?? null) as Value)
      })
    },
    async readColumn(name) {
      if (!present.has(name) || metadata.num_rows === 0n) return new Array<Value>(Number(metadata.num_rows)).fill(null)
      const read = await readArrays(file, metadata, [name], 0, Number(metadata.num_rows))
      return read.map((values) => (values[0] ?? null) as Value)
    },
    async readColumns(names) {
      const some = names.filter((name) => present.has(name))
      if (some.length === 0 || metadata.num_rows === 0n) return Array.from({ length: Number(metadata.num_rows) }, () => names.map(() => null))
      const read = await readArrays(file, metadata, some, 0, Number(metadata.num_rows))
      const at = names.map((name) => some.indexOf(name))
      return read.map((values) => at.map((i) => (i < 0 ? null : ((values[i] ?? null) as Value))))
    },
  }
}

function rowGroupSpans(metadata: FileMetaData): RowGroupSpan[] {
  const spans: RowGroupSpan[] = []
  let rowStart = 0
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows)
    const chunk = group.columns.find((c) => c.meta_data?.path_in_schema.join('.') === 'event_time')
    const min = chunk?.meta_data?.statistics?.min_value
    spans.push({ rowStart, rowEnd, minTime: typeof min === 'number' ? min : -Infinity })
    rowStart = rowEnd
  }
  return spans
}

function readArrays(file: AsyncBuffer, metadata: FileMetaData, columns: string[], rowStart: number, rowEnd: number): Promise<unknown[][]> {
  return new Promise((resolve, reject) => {
    parquetRead({ file, metadata, columns, rowStart, rowEnd, parsers: PARSERS, onComplete: (rows) => resolve(rows as unknown[][]) }).catch(reject)
  })
}

function asyncBuffer(bytes: Uint8Array): AsyncBuffer {
  return {
    byteLength: bytes.byteLength,
    slice: (start, end) => bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + (end ?? bytes.byteLength)) as ArrayBuffer,
  }
}
