/**
 * How MEMORY_LIMIT_MB is spent on the archives a process (or worker) holds at once, and the V8 heap
 * that holds them. Everything an archive keeps grows with what it buffers, never with the archive:
 * decompressed text is streamed, rows are encoded into row groups once `rowBufferBytes` is reached,
 * encoded output is streamed to the destination once `outputBufferBytes` is held, and reading waits
 * while `uploadQueueBytes` are waiting for the network.
 */
export interface MemoryPlan {
  /** Estimated bytes of parsed rows an archive buffers before its largest partition becomes a row group. */
  rowBufferBytes: number
  /** Encoded Parquet bytes an archive holds before its largest files are streamed out. */
  outputBufferBytes: number
  /** Bytes handed to streamed uploads and not yet sent, before reading the archive waits. */
  uploadQueueBytes: number
  /** V8 old-generation cap for the process or worker that runs `archivesAtOnce` archives. */
  oldSpaceMB: number
  /** V8 semi-space size: a small young generation is collected often and cheaply (parsed events die young). */
  semiSpaceMB: number
}

const MB = 1024 * 1024
/** Below this an archive's buffers would make row groups too small to be worth their footer entries. */
const MIN_ROW_BUFFER_BYTES = 8 * MB
/** Below this the runtime's own code and the parser's garbage would not fit. */
const MIN_OLD_SPACE_MB = 96
export const SEMI_SPACE_MB = 4

/**
 * The plan for `archivesAtOnce` archives sharing `memoryLimitBytes` each (MEMORY_LIMIT_MB is per
 * archive). The heap cap sits below the limit: V8 grows the heap up to its cap before collecting
 * hard, and the runtime, young generation and off-heap buffers come on top of it.
 */
export function memoryPlan(memoryLimitBytes: number, archivesAtOnce = 1): MemoryPlan {
  const limit = Math.max(1, memoryLimitBytes)
  const archives = Math.max(1, Math.floor(archivesAtOnce))
  return {
    rowBufferBytes: Math.max(MIN_ROW_BUFFER_BYTES, Math.floor(limit * 0.2)),
    outputBufferBytes: Math.max(MB, Math.floor(limit * 0.06)),
    uploadQueueBytes: Math.max(MB, Math.floor(limit * 0.06)),
    oldSpaceMB: Math.max(MIN_OLD_SPACE_MB, Math.floor((limit * archives * 0.75) / MB)),
    semiSpaceMB: SEMI_SPACE_MB,
  }
}

/** The node flags that give a process the plan's heap. */
export function heapFlags(plan: MemoryPlan): string[] {
  return [`--max-old-space-size=${plan.oldSpaceMB}`, `--max-semi-space-size=${plan.semiSpaceMB}`]
}
