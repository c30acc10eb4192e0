/**
 * Short min/max bounds for text statistics, as hyparquet-writer and parquet-mr write them: at most
 * 16 bytes, cut on a code point boundary. A prefix is still a lower bound; an upper bound is rounded
 * up by incrementing its last code point that has a successor fitting the length. `exact` is false
 * when the bound was shortened (Parquet's is_min_value_exact / is_max_value_exact).
 */

export const BOUND_BYTES = 16

const encoder = new TextEncoder()
const decoder = new TextDecoder()

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
