import type { Value } from '../schema/columns.js'
import { ByteSink } from './byte-sink.js'

/**
 * Column chunk statistics as the fixed-schema encoder writes them: null count, min and max as Parquet
 * bytes, and for text short min/max bounds, as hyparquet-writer and parquet-mr write them: at most
 * 16 bytes, cut on a code point boundary. A prefix is still a lower bound; an upper bound is rounded
 * up by incrementing its last code point that has a successor fitting the length. `exact` is false
 * when the bound was shortened (Parquet's is_min_value_exact / is_max_value_exact).
 */

export const BOUND_BYTES = 16

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The statistics fields of a column chunk's metadata. */
export interface ChunkStatistics {
  nullCount: number | undefined
  min: Uint8Array | undefined
  max: Uint8Array | undefined
  minExact: boolean
  maxExact: boolean
}

export interface Bound {
  bytes: Uint8Array
  exact: boolean
}

export function lowerBound(bytes: Uint8Array, length = BOUND_BYTES): Bound {
  if (bytes.length <= length) return { bytes, exact: true }
  return { bytes: bytes.slice(0, codePointStart(bytes, length)), exact: false }
}

export function upperBound(bytes: Uint8Array, length = BOUND_BYTES): Bound {
  if (bytes.length <= length) return { bytes, exact: true }
  let end = codePointStart(bytes, length)
  const codePoints = Array.from(decoder.decode(bytes.subarray(0, end)), (c) => c.codePointAt(0) ?? 0)
  for (let i = codePoints.length - 1; i >= 0; i--) {
    end = codePointStart(bytes, end - 1)
    const code = codePoints[i]
    if (code === 0x10ffff) continue
    const suffix = encoder.encode(String.fromCodePoint(code === 0xd7ff ? 0xe000 : code + 1))
    if (end + suffix.length > length) continue
    const rounded = new Uint8Array(end + suffix.length)
    rounded.set(bytes.subarray(0, end))
    rounded.set(suffix, end)
    return { bytes: rounded, exact: false }
  }
  return { bytes, exact: true } // no shorter upper bound exists: keep it whole
}

/** The start of the code point that contains byte `at` (or `at` itself at a boundary). */
function codePointStart(bytes: Uint8Array, at: number): number {
  while (at > 0 && (bytes[at] & 0xc0) === 0x80) at--
  return at
}

export function numberStatistics(chunk: ChunkStatistics, values: Value[], toBytes: (value: number) => Uint8Array): void {
  let min = Infinity
  let max = -Infinity
  let nulls = 0
  for (const value of values) {
    if (value === null) nulls++
    else {
      const n = Number(value)
      if (n < min) min = n
      if (n > max) max = n
    }
  }
  chunk.nullCount = nulls
  if (nulls < values.length) {
    chunk.min = toBytes(min)
    chunk.max = toBytes(max)
  }
}

export function textStatistics(chunk: ChunkStatistics, nulls: number, min: string | undefined, max: string | undefined): void {
  chunk.nullCount = nulls
  if (min !== undefined && max !== undefined) {
    const lower = lowerBound(encoder.encode(min))
    const upper = upperBound(encoder.encode(max))
    chunk.min = lower.bytes
    chunk.minExact = lower.exact
    chunk.max = upper.bytes
    chunk.maxExact = upper.exact
  }
}

export function int32Bytes(value: number): Uint8Array {
  const sink = new ByteSink(4)
  sink.int32(value)
  return sink.toBytes()
}

export function int64Bytes(value: number): Uint8Array {
  const sink = new ByteSink(8)
  sink.int64(value)
  return sink.toBytes()
}
