import type { ByteSink } from './byte-sink.js'

/**
 * Parquet's RLE / bit-packed hybrid encoding of small non-negative integers (definition levels,
 * dictionary indices). Runs of 16 or more equal values become RLE runs; everything between them is
 * bit-packed in groups of 8 (only the very last group may be padded, as the format requires).
 */
export function writeRleHybrid(out: ByteSink, values: ArrayLike<number>, count: number, bitWidth: number): void {
  const valueBytes = (bitWidth + 7) >>> 3
  let i = 0
  while (i < count) {
    const run = runLength(values, i, count)
    if (run >= 16 || i + run === count) {
      out.varint(run * 2)
      writeValue(out, values[i], valueBytes)
      i += run
      continue
    }
    // Bit-pack whole groups of 8 until an RLE-worthy run starts at a group boundary.
    let groups = 0
    let j = i
    do {
      groups++
      j += 8
    } while (j < count && runLength(values, j, count) < 16)
    if (j > count) j = count
    out.varint(groups * 2 + 1)
    bitPack(out, values, i, j, groups, bitWidth)
    i = j
  }
}

function runLength(values: ArrayLike<number>, from: number, count: number): number {
  const value = values[from]
  let end = from + 1
  while (end < count && values[end] === value) end++
  return end - from
}

function writeValue(out: ByteSink, value: number, valueBytes: number): void {
  for (let b = 0; b < valueBytes; b++) out.byte((value >>> (8 * b)) & 0xff)
}

function bitPack(out: ByteSink, values: ArrayLike<number>, from: number, to: number, groups: number, bitWidth: number): void {
  const length = groups * bitWidth
  out.reserve(length)
  const buffer = out.buffer
  const start = out.offset
  buffer.fill(0, start, start + length)
  let bit = 0
  for (let i = from; i < to; i++) {
    const value = values[i]
    for (let b = 0; b < bitWidth; b++, bit++) {
      if ((value >>> b) & 1) buffer[start + (bit >>> 3)] |= 1 << (bit & 7)
    }
  }
  out.offset = start + length
}

/** Bits needed for values 0..max (at least 1). */
export function bitWidthFor(max: number): number {
  let width = 1
  while (max >= 2 ** width) width++
  return width
}
