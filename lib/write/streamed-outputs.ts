import type { ObjectInfo, Storage } from '../storage/types.js'
import { ByteChannel } from './byte-channel.js'

/** Where a partition sends the bytes of its file as they are encoded. */
export interface OutputSink {
  write(bytes: Uint8Array): void
}

interface Stream {
  channel: ByteChannel
  upload: Promise<ObjectInfo>
  bytes: number
}

const DISCARD: OutputSink = { write: () => undefined }

/**
 * The output files of one archive that are sent to storage while the archive is still being read,
 * so that a huge archive's files never sit whole in memory. Each is one streamed (atomic) put.
 */
export class StreamedOutputs {
  private readonly streams = new Map<string, Stream>()

  /** `maxQueuedBytes`: bytes handed over and not yet taken by the uploads before the reader waits. */
  constructor(
    private readonly dest: Storage,
    private readonly maxQueuedBytes: number,
  ) {}

  /**
   * A sink streaming into `key`; a key the run must not write (undefined) gets one that discards.
   * The upload starts once `before` (e.g. the put of a commit record in state `writing`) has succeeded.
   */
  open(key: string | undefined, before?: Promise<unknown>): OutputSink {
    if (key === undefined) return DISCARD
    const existing = this.streams.get(key)
    if (existing) return sinkOf(existing)
    const channel = new ByteChannel()
    const upload = before ? before.then(() => this.dest.putStream(key, channel)) : this.dest.putStream(key, channel)
    const stream: Stream = { channel, upload, bytes: 0 }
    // A failed upload releases the reader waiting for room; the error surfaces there or in close().
    upload.catch((error: unknown) => channel.fail(error))
    this.streams.set(key, stream)
    return sinkOf(stream)
  }

  get size(): number {
    return this.streams.size
  }

  /** Waits while the uploads are behind (undefined when they are not); rejects if one failed. */
  room(): Promise<void> | undefined {
    let queued = 0
    for (const stream of this.streams.values()) queued += stream.channel.queuedBytes
    if (queued < this.maxQueuedBytes) return undefined
    return Promise.all([...this.streams.values()].map((stream) => stream.channel.room(1))).then(() => undefined)
  }

  /** Keys of every stream opened, committed or not. */
  keys(): string[] {
    return [...this.streams.keys()]
  }

  isStreaming(key: string): boolean {
    return this.streams.has(key)
  }

  /** Sends the file's last bytes and waits for the object to be committed; returns its size. */
  async close(key: string, rest: Uint8Array): Promise<number> {
    const stream = this.streams.get(key)
    if (!stream) throw new Error(`no streamed output ${key}`)
    sinkOf(stream).write(rest)
    stream.channel.end()
    await stream.upload
    return stream.bytes
  }

  /** Abandons every stream (nothing is committed) and waits until their uploads have given up. */
  async abort(error: unknown): Promise<void> {
    for (const stream of this.streams.values()) stream.channel.fail(error)
    await Promise.allSettled([...this.streams.values()].map((stream) => stream.upload))
  }
}

function sinkOf(stream: Stream): OutputSink {
  return {
    write: (bytes) => {
      stream.channel.push(bytes)
      stream.bytes += bytes.length
    },
  }
}
