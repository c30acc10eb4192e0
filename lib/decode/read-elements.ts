import type { Readable } from 'node:stream'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { CccTrailError, PermanentInputError, RetryableError, errorMessage } from '../errors.js'
import { ElementSplitter, type BodyForm, type ByteFilter, type Element } from './splitter.js'

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
  source.once('error', (error) => { sourceError = error })
  try {
    await pipeline(
      source,
      gzipMagicCheck(stats),
      createGunzip({ chunkSize: options.chunkSize ?? 256 * 1024 }),
      async (decompressed: AsyncIterable<Buffer>) => {
        for await (const chunk of decompressed) {
          stats.bytes += chunk.length
          splitter.push(chunk)
          const wait = options.pause?.()
          if (wait) await wait
        }
      },
    )
  } catch (error) {
    throw classify(sourceError ?? error, sourceError !== undefined, stats)
  }
  splitter.finish()
  stats.form = splitter.form
  stats.elements = splitter.elements
  return stats
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
  if (code?.startsWith('Z_')) return new PermanentInputError('corrupt_gzip', `gzip data is corrupt: ${errorMessage(error)}`)
  return error instanceof Error ? error : new Error(String(error))
}
