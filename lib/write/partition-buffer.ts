import { EVENT_TIME_INDEX, toColumns, type Value } from '../normalize/columns.js'
import { defaultEncoder, type EncoderFactory, type FileEncoder } from './parquet.js'

/** Rows of one (dt, event_name) partition of one archive, flushed to row groups as memory requires. */
export class PartitionBuffer {
  readonly file: FileEncoder
  private rows: Value[][] = []
  /** Rough bytes held by buffered rows, for the memory bound. */
  heldBytes = 0

  constructor(readonly dt: string, readonly eventName: string | null, encoder: EncoderFactory = defaultEncoder) {
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

  finish(): Uint8Array | Promise<Uint8Array> {
    this.flush()
    return this.file.finish()
  }
}

function sortByTime(rows: Value[][]): Value[][] {
  return rows.sort((a, b) => (a[EVENT_TIME_INDEX] as number) - (b[EVENT_TIME_INDEX] as number))
}
