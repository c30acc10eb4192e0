import type { ByteSink } from './byte-sink.js'

/**
 * Thrift compact protocol, write side, for Parquet page headers and footers. Fields must be written
 * in ascending id order within a struct (the short delta form); integers are plain numbers, zig-zag
 * encoded without BigInt, so i64 values are exact up to 2^53.
 */

const FieldType = { TRUE: 1, FALSE: 2, I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const
type FieldType = (typeof FieldType)[keyof typeof FieldType]

const encoder = new TextEncoder()

export class ThriftWriter {
  private lastField = 0
  private readonly stack: number[] = []

  constructor(readonly out: ByteSink) {}

  private field(id: number, type: FieldType): void {
    const delta = id - this.lastField
    if (delta > 0 && delta <= 15) this.out.byte((delta << 4) | type)
    else {
      this.out.byte(type)
      this.out.varint(zigzag(id))
    }
    this.lastField = id
  }

  i32(id: number, value: number): void {
    this.field(id, FieldType.I32)
    this.out.varint(zigzag(value))
  }

  i64(id: number, value: number): void {
    this.field(id, FieldType.I64)
    this.out.varint(zigzag(value))
  }

  bool(id: number, value: boolean): void {
    this.field(id, value ? FieldType.TRUE : FieldType.FALSE)
  }

  binary(id: number, value: Uint8Array): void {
    this.field(id, FieldType.BINARY)
    this.out.varint(value.length)
    this.out.bytes(value)
  }

  string(id: number, value: string): void {
    this.binary(id, encoder.encode(value))
  }

  /** A struct-valued field; close it with `end()`. */
  struct(id: number): void {
    this.field(id, FieldType.STRUCT)
    this.begin()
  }

  /** Starts a struct that is not a field: the top-level one, or an element of a list of structs. */
  begin(): void {
    this.stack.push(this.lastField)
    this.lastField = 0
  }

  end(): void {
    this.out.byte(0)
    this.lastField = this.stack.pop() ?? 0
  }

  private list(id: number, size: number, element: FieldType): void {
    this.field(id, FieldType.LIST)
    if (size < 15) this.out.byte((size << 4) | element)
    else {
      this.out.byte(0xf0 | element)
      this.out.varint(size)
    }
  }

  /** A list of structs: write each element between `begin()` and `end()`. */
  structList(id: number, size: number): void {
    this.list(id, size, FieldType.STRUCT)
  }

  i32List(id: number, values: readonly number[]): void {
    this.list(id, values.length, FieldType.I32)
    for (const value of values) this.out.varint(zigzag(value))
  }

  stringList(id: number, values: readonly string[]): void {
    this.list(id, values.length, FieldType.BINARY)
    for (const value of values) {
      const bytes = encoder.encode(value)
      this.out.varint(bytes.length)
      this.out.bytes(bytes)
    }
  }
}

/** Zig-zag of a safe integer, as a non-negative number. */
function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1
}
