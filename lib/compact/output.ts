import { toColumns, type Value } from '../schema/columns.js'
import { FixedSchemaEncoder } from '../write/fixed-schema-encoder.js'
import type { CompactionOutput } from '../ledger/compaction-records.js'

const MAX_GROUP_ROWS = 100_000
const MIN_GROUP_BYTES = 64 * 1024
const MAX_GROUP_BYTES = 64 * 1024 * 1024

/**
 * Rows in, compacted files out: row groups of bounded size, a new file once the current one reaches the
 * target size (so a file exceeds it by at most one row group). Each finished file is handed to `store`.
 */
export class OutputFiles {
  readonly outputs: CompactionOutput[] = []
  private file: FixedSchemaEncoder | undefined
  private pending: Value[][] = []
  private pendingBytes = 0
  private readonly groupBytes: number

  constructor(
    private readonly targetBytes: number,
    private readonly store: (index: number, bytes: Uint8Array, rows: number) => Promise<CompactionOutput>,
  ) {
    this.groupBytes = Math.min(MAX_GROUP_BYTES, Math.max(MIN_GROUP_BYTES, targetBytes))
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

  private async flushGroup(): Promise<void> {
    if (this.pending.length === 0) return
    this.file ??= new FixedSchemaEncoder()
    this.file.addRowGroup(toColumns(this.pending))
    this.pending = []
    this.pendingBytes = 0
    if (this.file.size >= this.targetBytes) await this.closeFile()
  }

  private async closeFile(): Promise<void> {
    const file = this.file
    this.file = undefined
    if (!file || file.rows === 0) return
    this.outputs.push(await this.store(this.outputs.length, file.finish(), file.rows))
  }
}

/** Uncompressed size, roughly: what the row costs before encoding. */
function approxBytes(row: Value[]): number {
  let bytes = 0
  for (const value of row) bytes += typeof value === 'string' ? value.length : 8
  return bytes
}
