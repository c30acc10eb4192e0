import { compactionRecordKey, type PartitionRef } from '../layout.js'
import type { Storage } from '../storage/types.js'
import { boundedTasks } from '../util/concurrency.js'
import { type CompactionOutput, type CompactionRecord, writeRecord } from './compaction-records.js'

export interface BatchPartition {
  /** The partition's id in the batch's router. */
  id: string
  partition: PartitionRef
  output: CompactionOutput
  /** Archives with rows in the output. */
  sources: string[]
}

/**
 * The commit records of one batch, one per partition it writes, of the same shape (and in the same
 * folder) as compaction records, so readers, compaction and recovery take a batch's files for a group
 * like any compaction's: `writing` before the partition's file is put (its rows are not visible yet),
 * `written` once every file of the batch exists (the rows are visible; no input was consumed).
 */
export class BatchRecords {
  private readonly writing = new Map<string, { partition: PartitionRef; put: Promise<unknown> }>()
  private readonly startedAt = new Date().toISOString()

  constructor(
    private readonly dest: Storage,
    private readonly destPrefix: string,
    readonly id: string,
  ) {}

  /** Puts the partition's `writing` record once; every put of the partition's file waits for it. */
  writingFor(partition: PartitionRef): Promise<unknown> {
    const key = compactionRecordKey(this.destPrefix, partition, this.id)
    let entry = this.writing.get(key)
    if (!entry) {
      entry = { partition, put: writeRecord(this.dest, this.destPrefix, this.record(partition, 'writing', [], [])) }
      entry.put.catch(() => undefined)
      this.writing.set(key, entry)
    }
    return entry.put
  }

  /** Marks every partition `written`; call once every file of the batch exists. */
  async commit(partitions: readonly BatchPartition[]): Promise<void> {
    const puts = boundedTasks(8)
    for (const { partition, output, sources } of partitions) {
      await puts.add(() => writeRecord(this.dest, this.destPrefix, this.record(partition, 'written', [output], sources)))
    }
    await puts.drain()
  }

  /** After a failure before the commit: deletes the batch's files, then its records (best effort; what stays is `writing`, never read). */
  async rollback(dataKeys: readonly string[]): Promise<void> {
    await Promise.allSettled(dataKeys.map((key) => this.dest.delete(key)))
    await Promise.allSettled([...this.writing.entries()].map(([key, entry]) => entry.put.then(() => this.dest.delete(key))))
  }

  private record(partition: PartitionRef, state: CompactionRecord['state'], outputs: CompactionOutput[], sources: string[]): CompactionRecord {
    const rows = outputs.reduce((sum, o) => sum + o.rows, 0)
    return {
      version: 1,
      id: this.id,
      dt: partition.dt,
      eventName: partition.eventName,
      state,
      startedAt: this.startedAt,
      ...(state === 'written' && { finishedAt: new Date().toISOString() }),
      inputs: [],
      outputs,
      sources,
      rows: { in: rows, out: rows, duplicates: 0, superseded: 0 },
    }
  }
}
