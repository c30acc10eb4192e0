import { Readable, Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, gunzipSync } from 'node:zlib'
import { asInputFault, CccTrailError, errorMessage, PermanentInputError, RetryableError } from '../errors.js'
import { type BodyForm, type ByteFilter, type Element, ElementSplitter } from './splitter.js'

export interface DecodeStats {
  form: BodyForm | undefined
  elements: number
  compressedBytes: number
  bytes: number
}

export interface DecodeOptions {
  maxEventBytes?: number
  /** zlib output chunk size; larger chunks mean fewer, bigger scans. */
  chunkSize?: number
  /** Asked after each decompressed chunk; reading waits while it returns a promise (output is behind). */
  pause?: () => Promise<void> | undefined
  /** Elements this rejects are reported as not CCC without being decoded (see normalize/prefilter.ts). */
  keep?: ByteFilter
}

/**
 * Streams a gzip archive through gunzip and the element splitter, calling `onElement` for each
 * top-level event. Input faults become PermanentInputError (quarantine); faults of the source
 * stream itself are the storage's (retryable unless the driver said otherwise).
 */
export async function readElements(source: Readable, onElement: (element: Element) => void, options: DecodeOptions = {}): Promise<DecodeStats> {
  const stats: DecodeStats = { form: undefined, elements: 0, compressedBytes: 0, bytes: 0 }
  const splitter = new ElementSplitter(onElement, options.maxEventBytes, options.keep)
  let sourceError: unknown
  source.once('error', (error) => {
    sourceError = error
  })
  try {
    await pipeline(source, gzipMagicCheck(stats), createGunzip({ chunkSize: options.chunkSize ?? 256 * 1024 }), splitInto(splitter, stats, options.pause))
  } catch (error) {
    // Compare, not prefer: once a later stage fails, the pipeline destroys the source too, and the
    // source then reports that teardown (an AbortError) as an error of its own.
    throw classify(error, error === sourceError, stats)
  }
  try {
    splitter.finish()
  } catch (error) {
    throw asInputFault(error)
  }
  stats.form = splitter.form
  stats.elements = splitter.elements
  return stats
}

/**
 * readElements for a gzip body already in memory (a batch member, read whole), inflated in one call:
 * on archives of a few hundred KB the stream pipeline costs about four times the CPU of the inflate
 * itself. A body that would inflate past `maxInflatedBytes`, or that zlib refuses (empty, not gzip,
 * truncated, corrupt), goes through readElements instead, so the memory bound and every fault's
 * verdict and message stay those of the streamed path.
 */
export async function readElementsOfBody(
  body: Buffer,
  onElement: (element: Element) => void,
  options: DecodeOptions & { maxInflatedBytes: number },
): Promise<DecodeStats> {
  const text = inflateWhole(body, options.maxInflatedBytes)
  if (!text) return readElements(Readable.from([body]), onElement, options)
  const splitter = new ElementSplitter(onElement, options.maxEventBytes, options.keep)
  try {
    splitter.push(text)
    splitter.finish()
  } catch (error) {
    throw asInputFault(error)
  }
  return { form: splitter.form, elements: splitter.elements, compressedBytes: body.length, bytes: text.length }
}

function inflateWhole(body: Buffer, maxBytes: number): Buffer | undefined {
  if (body.length < 2 || body[0] !== 0x1f || body[1] !== 0x8b) return undefined
  try {
    return gunzipSync(body, { maxOutputLength: Math.max(1, maxBytes) })
  } catch {
    return undefined
  }
}

/**
 * The sink that feeds the splitter. A Writable, not an async-iterator consumer: an error thrown
 * out of `for await` first makes the iterator destroy the stream it reads with an AbortError, and
 * that abort reaches the pipeline before the thrown error does, masking it. A Writable hands its
 * error to the pipeline as the first one. Anything the splitter or `onElement` throws that is not
 * a known input fault is an unexpected conversion error: still this archive's, so quarantined.
 */
function splitInto(splitter: ElementSplitter, stats: DecodeStats, pause?: () => Promise<void> | undefined): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      stats.bytes += chunk.length
      try {
        splitter.push(chunk)
      } catch (error) {
        callback(asInputFault(error))
        return
      }
      // Backpressure from the output side: hold the next chunk until streamed uploads catch up.
      const wait = pause?.()
      if (wait) wait.then(() => callback(), callback)
      else callback()
    },
  })
}

function gzipMagicCheck(stats: DecodeStats): Transform {
  let head = Buffer.alloc(0)
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (stats.compressedBytes < 2) {
        head = Buffer.concat([head, chunk.subarray(0, 2)])
        if (head.length >= 2 && (head[0] !== 0x1f || head[1] !== 0x8b)) {
          callback(new PermanentInputError('not_gzip', `not a gzip file (starts with ${JSON.stringify(head.toString('latin1', 0, 2))})`))
          return
        }
      }
      stats.compressedBytes += chunk.length
      callback(null, chunk)
    },
    flush(callback) {
      if (stats.compressedBytes === 0) callback(new PermanentInputError('empty_object', 'the object is empty (0 bytes)'))
      else if (stats.compressedBytes < 2) callback(new PermanentInputError('not_gzip', 'not a gzip file (1 byte)'))
      else callback()
    },
  })
}

function classify(error: unknown, fromSource: boolean, stats: DecodeStats): Error {
  if (error instanceof CccTrailError) return error
  if (fromSource) return new RetryableError(`reading the archive failed after ${stats.compressedBytes} bytes: ${errorMessage(error)}`, { cause: error })
  const code = (error as { code?: string }).code
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(errorMessage(error))) {
    return new PermanentInputError('truncated_gzip', `gzip stream ends early after ${stats.bytes} decompressed bytes (truncated upload?)`)
  }
  // The source closed without ending: the storage's fault, like any other interrupted read.
  if (code === 'ERR_STREAM_PREMATURE_CLOSE')
    return new RetryableError(`reading the archive stopped early after ${stats.compressedBytes} bytes`, { cause: error })
  if (code?.startsWith('Z_')) return new PermanentInputError('corrupt_gzip', `gzip data is corrupt: ${errorMessage(error)}`)
  return asInputFault(error)
}
