import { EVENT_TIME_INDEX, toColumns, type Value } from '../schema/columns.js'
import type { EncoderFactory, FileEncoder } from './file-encoder.js'
import { FixedSchemaEncoder } from './fixed-schema-encoder.js'
import type { OutputSink } from './streamed-outputs.js'

/**
 * ccc_events files come from the encoder specialised for our column kinds (about 3x less CPU per file,
 * see docs/performance.md); ParquetFileBuilder (parquet.ts) writes the same table through
 * hyparquet-writer and is the reference the differential test holds it to.
 */
export const defaultEncoder: EncoderFactory = () => new FixedSchemaEncoder()

/** Rows of one (dt, event_name) partition of one archive, flushed to row groups as memory requires. */
export class PartitionBuffer {
  readonly file: FileEncoder
  private rows: Value[][] = []
  /** Rough bytes held by buffered rows, for the memory bound. */
  heldBytes = 0
  /** Set once the file's bytes started leaving for storage before its end. */
  sink: OutputSink | undefined

  constructor(
    readonly dt: string,
    readonly eventName: string | null,
    encoder: EncoderFactory = defaultEncoder,
  ) {
    this.file = encoder()
  }

  add(row: Value[], approxBytes: number): void {
    this.rows.push(row)
    this.heldBytes += approxBytes
  }

  get bufferedRows(): number {
    return this.rows.length
  }

  /** Sorts the buffered rows by event_time and encodes them as one row group. */
  flush(): void {
    if (this.rows.length === 0) return
    this.file.addRowGroup(toColumns(sortByTime(this.rows)))
    this.rows = []
    this.heldBytes = 0
  }

  /** Encoded bytes held for the file (0 when the encoder cannot stream). */
  get outputBytes(): number {
    return this.file.take ? (this.file.pendingBytes ?? 0) : 0
  }

  /** Sends the bytes encoded so far to the file's sink, opening it on first use. */
  ship(open: (partition: PartitionBuffer) => OutputSink): void {
    if (!this.file.take) return
    this.sink ??= open(this)
    this.sink.write(this.file.take())
  }

  /** The rest of the file: all of it, or after `ship`, what was not shipped yet (footer included). */
  finish(): Uint8Array | Promise<Uint8Array> {
    this.flush()
    return this.file.finish()
  }
}

function sortByTime(rows: Value[][]): Value[][] {
  return rows.sort((a, b) => (a[EVENT_TIME_INDEX] as number) - (b[EVENT_TIME_INDEX] as number))
}
