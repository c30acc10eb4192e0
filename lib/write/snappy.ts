/**
 * Snappy block compression (the raw format Parquet's SNAPPY codec uses), into one preallocated
 * buffer. The match finder follows snappyjs (MIT, Copyright (c) 2016 Zhipeng Jia), as
 * hyparquet-writer's does; output goes straight into a typed array instead of a growable writer.
 */

const MAX_HASH_TABLE_BITS = 14
const MAX_OFFSET = 0xffff
const INPUT_MARGIN = 15
const hashTables: Uint32Array[] = []

/** The most bytes `compress` can produce for an input of `length` bytes. */
export function maxCompressedLength(length: number): number {
  return 32 + length + Math.floor(length / 6)
}

/** Compresses `input` into `output` at `at` (which must have maxCompressedLength bytes free); returns the end offset. */
export function compressInto(input: Uint8Array, output: Uint8Array, at: number): number {
  let op = at
  let length = input.length
  while (length >= 0x80) {
    output[op++] = (length & 0x7f) | 0x80
    length >>>= 7
  }
  output[op++] = length
  return compressBody(input, output, op)
}

export function compress(input: Uint8Array): Uint8Array {
  const output = new Uint8Array(maxCompressedLength(input.length))
  return output.subarray(0, compressInto(input, output, 0))
}

function hash(key: number, shift: number): number {
  return Math.imul(key, 0x1e35a7bd) >>> shift
}

function load32(a: Uint8Array, p: number): number {
  return a[p] | (a[p + 1] << 8) | (a[p + 2] << 16) | (a[p + 3] << 24)
}

function emitLiteral(input: Uint8Array, from: number, length: number, out: Uint8Array, op: number): number {
  if (length <= 60) out[op++] = (length - 1) << 2
  else {
    const value = length - 1
    const count = value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4
    out[op++] = (59 + count) << 2
    for (let i = 0; i < count; i++) out[op++] = value >>> (i * 8)
  }
  out.set(input.subarray(from, from + length), op)
  return op + length
}

function emitCopyUpTo64(offset: number, length: number, out: Uint8Array, op: number): number {
  if (length < 12 && offset < 2048) {
    out[op++] = 1 + ((length - 4) << 2) + ((offset >>> 8) << 5)
    out[op++] = offset & 0xff
  } else {
    out[op++] = 2 + ((length - 1) << 2)
    out[op++] = offset & 0xff
    out[op++] = offset >>> 8
  }
  return op
}

function emitCopy(offset: number, length: number, out: Uint8Array, op: number): number {
  while (length >= 68) {
    op = emitCopyUpTo64(offset, 64, out, op)
    length -= 64
  }
  if (length > 64) {
    op = emitCopyUpTo64(offset, 60, out, op)
    length -= 60
  }
  return emitCopyUpTo64(offset, length, out, op)
}

function compressBody(input: Uint8Array, out: Uint8Array, op: number): number {
  const end = input.length
  let nextEmit = 0
  if (end >= INPUT_MARGIN) {
    let bits = 1
    while (1 << bits <= end && bits <= MAX_HASH_TABLE_BITS) bits++
    bits--
    const shift = 32 - bits
    const table = (hashTables[bits] ??= new Uint32Array(1 << bits))
    table.fill(0)
    const limit = end - INPUT_MARGIN
    let ip = 1
    let nextHash = hash(load32(input, ip), shift)
    outer: for (;;) {
      let skip = 32
      let nextIp = ip
      let candidate: number
      do {
        ip = nextIp
        const h = nextHash
        nextIp = ip + (skip++ >>> 5)
        if (ip > limit) break outer
        nextHash = hash(load32(input, nextIp), shift)
        candidate = table[h]
        table[h] = ip
      } while (ip - candidate > MAX_OFFSET || load32(input, ip) !== load32(input, candidate))
      op = emitLiteral(input, nextEmit, ip - nextEmit, out, op)
      do {
        const base = ip
        let matched = 4
        while (ip + matched < end && input[ip + matched] === input[candidate + matched]) matched++
        ip += matched
        op = emitCopy(base - candidate, matched, out, op)
        nextEmit = ip
        if (ip >= limit) break outer
        table[hash(load32(input, ip - 1), shift)] = ip - 1
        const h = hash(load32(input, ip), shift)
        candidate = table[h]
        table[h] = ip
      } while (ip - candidate <= MAX_OFFSET && load32(input, ip) === load32(input, candidate))
      ip++
      nextHash = hash(load32(input, ip), shift)
    }
  }
  if (nextEmit < end) op = emitLiteral(input, nextEmit, end - nextEmit, out, op)
  return op
}
