/** A growable byte buffer with the little-endian and varint writes a Parquet file needs; numbers only, no BigInt. */
export class ByteSink {
  buffer: Uint8Array
  offset = 0

  constructor(private readonly initialSize = 64 * 1024) {
    this.buffer = new Uint8Array(initialSize)
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const needed = this.offset + n
    if (needed <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < needed) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.buffer.subarray(0, this.offset))
    this.buffer = grown
  }

  byte(value: number): void {
    this.reserve(1)
    this.buffer[this.offset++] = value
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length)
    this.buffer.set(value, this.offset)
    this.offset += value.length
  }

  int32(value: number): void {
    this.reserve(4)
    const b = this.buffer
    const o = this.offset
    b[o] = value
    b[o + 1] = value >>> 8
    b[o + 2] = value >>> 16
    b[o + 3] = value >>> 24
    this.offset = o + 4
  }

  /** A signed 64-bit little-endian integer from a safe-integer number (timestamps in milliseconds fit). */
  int64(value: number): void {
    const high = Math.floor(value / 0x1_0000_0000)
    this.int32(value - high * 0x1_0000_0000)
    this.int32(high)
  }

  /** Unsigned LEB128 varint of a non-negative safe integer. */
  varint(value: number): void {
    this.reserve(8)
    while (value >= 0x80) {
      this.buffer[this.offset++] = (value % 0x80) | 0x80
      value = Math.floor(value / 0x80)
    }
    this.buffer[this.offset++] = value
  }

  /** Copies out the bytes written. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.offset)
  }

  /** Copies out the bytes written and starts over; the grown buffer becomes garbage at once. */
  take(): Uint8Array {
    const bytes = this.toBytes()
    this.buffer = new Uint8Array(this.initialSize)
    this.offset = 0
    return bytes
  }
}
