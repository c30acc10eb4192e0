import type { Column, Value } from '../schema/columns.js'

/** How a Parquet file is fed: the types every encoder shares (fixed-schema-encoder.ts, parquet.ts). */

/** What a column of any table written here needs: name, kind, nullability. */
export type TableColumn = Pick<Column, 'name' | 'kind' | 'required'>

/** Column-major data for some rows: `columns[i]` holds the values of COLUMNS[i]. */
export type ColumnBatch = Value[][]

/** What a partition writes its rows through: row groups in, file bytes out. */
export interface FileEncoder {
  readonly rows: number
  addRowGroup(columns: ColumnBatch): void
  /** The rest of the file: everything not yet taken, footer included. */
  finish(): Uint8Array | Promise<Uint8Array>
  /** Bytes encoded and not yet taken; absent when the encoder can only hand over whole files. */
  readonly pendingBytes?: number
  /** Hands over the bytes encoded so far, so that a file can be streamed out while it is built. */
  take?(): Uint8Array
}

/** Makes one encoder per output file. The default is FixedSchemaEncoder; the benchmark plugs in others. */
export type EncoderFactory = () => FileEncoder
