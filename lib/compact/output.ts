import type { CompactionOutput } from '../ledger/compaction-records.js'
import { memoryPlan } from '../memory-plan.js'
import { toColumns, type Value } from '../schema/columns.js'
import type { Storage } from '../storage/types.js'
import { FixedSchemaEncoder } from '../write/fixed-schema-encoder.js'
import { type OutputSink, StreamedOutputs } from '../write/streamed-outputs.js'

const MAX_GROUP_ROWS = 100_000
const MIN_GROUP_BYTES = 64 * 1024
const MAX_GROUP_BYTES = 64 * 1024 * 1024
const DEFAULT_QUEUE_BYTES = 8 * 1024 * 1024

export interface OutputLimits {
  /** Rows (their uncompressed size, roughly) buffered before they become a row group; default 64 MB. */
  groupBytes?: number
  /** Encoded bytes handed to the upload and not yet sent before the merge waits; default 8 MB. */
  queueBytes?: number
}

/** MEMORY_LIMIT_MB spent the way the pipeline spends it on one archive (lib/memory-plan.ts). */
export function outputLimits(memoryLimitBytes: number): OutputLimits {
  const plan = memoryPlan(memoryLimitBytes)
  return { groupBytes: plan.rowBufferBytes, queueBytes: plan.uploadQueueBytes }
}

interface OpenFile {
  key: string
  encoder: FixedSchemaEncoder
  sink: OutputSink
}

/**
 * Rows in, compacted files out: row groups of bounded size, a new file once the current one reaches the
 * target size (so a file exceeds it by at most one row group). Each file is streamed to `dest` row group
 * by row group (one atomic streamed put), so what is held is one row group and the upload queue, never
 * a whole file. On failure call `abort`: nothing of an unfinished file is committed.
 */
export class OutputFiles {
  readonly outputs: CompactionOutput[] = []
  private file: OpenFile | undefined
  private pending: Value[][] = []
  private pendingBytes = 0
  private readonly groupBytes: number
  private readonly streams: StreamedOutputs

  constructor(
    private readonly targetBytes: number,
    dest: Storage,
    private readonly keyOf: (index: number) => string,
    limits: OutputLimits = {},
  ) {
    this.groupBytes = Math.min(limits.groupBytes ?? MAX_GROUP_BYTES, Math.max(MIN_GROUP_BYTES, targetBytes))
    this.streams = new StreamedOutputs(dest, limits.queueBytes ?? DEFAULT_QUEUE_BYTES)
  }

  async add(row: Value[]): Promise<void> {
    this.pending.push(row)
    this.pendingBytes += approxBytes(row)
    if (this.pendingBytes >= this.groupBytes || this.pending.length >= MAX_GROUP_ROWS) await this.flushGroup()
  }

  async finish(): Promise<CompactionOutput[]> {
    await this.flushGroup()
    await this.closeFile()
    return this.outputs
  }

  /** Abandons the file being written (its upload commits nothing) and waits until its upload has given up. */
  async abort(error: unknown): Promise<void> {
    this.file = undefined
    await this.streams.abort(error)
  }

  private async flushGroup(): Promise<void> {
    if (this.pending.length === 0) return
    const file = (this.file ??= this.openFile())
    file.encoder.addRowGroup(toColumns(this.pending))
    this.pending = []
    this.pendingBytes = 0
    file.sink.write(file.encoder.take())
    await this.streams.room()
    if (file.encoder.size >= this.targetBytes) await this.closeFile()
  }

  private openFile(): OpenFile {
    const key = this.keyOf(this.outputs.length)
    return { key, encoder: new FixedSchemaEncoder(), sink: this.streams.open(key) }
  }

  private async closeFile(): Promise<void> {
    const file = this.file
    this.file = undefined
    if (!file) return
    const bytes = await this.streams.close(file.key, file.encoder.finish())
    this.outputs.push({ key: file.key, rows: file.encoder.rows, bytes })
  }
}

/** Uncompressed size, roughly: what the row costs before encoding. */
function approxBytes(row: Value[]): number {
  let bytes = 0
  for (const value of row) bytes += typeof value === 'string' ? value.length : 8
  return bytes
}
