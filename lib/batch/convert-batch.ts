import { randomUUID } from 'node:crypto'
import { type DecodeStats, readElementsOfBody } from '../decode/read-elements.js'
import type { ByteFilter } from '../decode/splitter.js'
import { CccTrailError, errorMessage, isRetryable, PermanentInputError } from '../errors.js'
import { batchFileKey, batchId } from '../layout.js'
import { type BatchPartition, BatchRecords } from '../ledger/batch-records.js'
import type { Counts, OutputFile } from '../ledger/manifest.js'
import { memoryPlan } from '../memory-plan.js'
import { cccByteFilter } from '../normalize/prefilter.js'
import {
  type ArchiveResult,
  convertOpened,
  countsOf,
  finish,
  manifestOf,
  type OpenedArchive,
  openArchive,
  type Pipeline,
  processArchive,
  quarantineArchive,
  streamingRouter,
  writeEventQuarantine,
} from '../pipeline.js'
import { readAll } from '../storage/read.js'
import { boundedTasks, forEachLimit } from '../util/concurrency.js'
import type { FileEncoder } from '../write/file-encoder.js'
import { ArchiveRouter } from '../write/router.js'
import { StreamedOutputs } from '../write/streamed-outputs.js'

export interface FailedArchive {
  key: string
  status: 'failed'
  retryable: boolean
  message: string
}

export type Outcome = ArchiveResult | FailedArchive

export interface BatchOptions {
  force?: boolean
  /** Archives opened, and archives converted alone, at once. */
  concurrency?: number
  onOutcome: (outcome: Outcome) => void
  /** Checked before each archive converted alone starts. */
  stopRequested?: () => boolean
}

/**
 * Converts a batch of archives (a day of one trail folder, or the share of it one worker gets) into one
 * file per (dt, event_name) for the whole batch instead of one per archive. Each archive still gets its
 * own manifest, listing the batch files that hold its rows, and its own outcome; see docs/design.md
 * ("Batches"). Archives converted before (a new version, a forced rerun, a quarantine replay) and
 * archives too big to hold whole are converted alone, into part files, exactly as processArchive does.
 */
export async function processBatch(pipeline: Pipeline, keys: readonly string[], options: BatchOptions): Promise<void> {
  const concurrency = Math.max(1, options.concurrency ?? 4)
  const plan = memoryPlan(pipeline.options.memoryLimitBytes)
  const stagingLimit = Math.floor(plan.rowBufferBytes / 2)
  const members: OpenedArchive[] = []
  const alone: OpenedArchive[] = []
  // A key given twice is converted once; its repeats come after the batch and find it done (or run alone).
  const unique = [...new Set(keys)]
  const repeats = keys.filter((key, i) => keys.indexOf(key) !== i)
  await forEachLimit(unique, Math.max(concurrency, OPEN_CONCURRENCY), async (key) => {
    let opened: Awaited<ReturnType<typeof openArchive>>
    try {
      opened = await openArchive(pipeline, key, { force: options.force })
    } catch (error) {
      options.onOutcome(failedOutcome(pipeline, key, error))
      return
    }
    if (opened.kind === 'settled') options.onOutcome(opened.result)
    else if (opened.run.first && opened.archive.fileSize <= stagingLimit / 16) members.push(opened)
    else alone.push(opened)
  })
  members.sort(byKey)
  if (members.length < 2) alone.push(...members)
  else alone.push(...(await writeBatch(pipeline, members, stagingLimit, options)))
  alone.sort(byKey)
  await forEachLimit(alone, concurrency, async (opened) => options.onOutcome(await convertAlone(pipeline, opened)), options.stopRequested)
  await forEachLimit(repeats, concurrency, async (key) => options.onOutcome(await processAlone(pipeline, key, options.force)), options.stopRequested)
}

/** processArchive with a failure turned into its outcome, as a run reports it. */
export async function processAlone(pipeline: Pipeline, key: string, force?: boolean): Promise<Outcome> {
  try {
    return await processArchive(pipeline, key, { force })
  } catch (error) {
    return failedOutcome(pipeline, key, error)
  }
}

async function convertAlone(pipeline: Pipeline, opened: OpenedArchive): Promise<Outcome> {
  try {
    return await convertOpened(pipeline, opened)
  } catch (error) {
    return failedOutcome(pipeline, opened.archive.key, error)
  }
}

/** Archives looked up at once (a HEAD and a manifest listing each): latency bound, like the puts. */
const OPEN_CONCURRENCY = 8

export function failedOutcome(pipeline: Pipeline, key: string, error: unknown): FailedArchive {
  pipeline.log.error(`archive failed: ${errorMessage(error)}`, { source: key, retryable: isRetryable(error) })
  return { key, status: 'failed', retryable: isRetryable(error), message: errorMessage(error) }
}

/** One archive of the batch, read whole and waiting for the batch's commit. */
interface Staged {
  opened: OpenedArchive
  counts: Counts
  /** Rows per partition id of the batch's router. */
  rows: Map<string, number>
  quarantine?: string
  reason?: string
  bytesIn: number
}

/** A partition's file has no encoder until the batch's own router gives it one: staged rows are only held. */
const HELD_ONLY = (): FileEncoder => ({
  rows: 0,
  addRowGroup: () => {
    throw new Error('a staged archive never encodes')
  },
  finish: () => new Uint8Array(0),
})

class TooBigForBatch extends CccTrailError {}

/**
 * Reads the members one by one, each whole into its own router (so a bad archive is settledAlone alone
 * and its duplicate ids are its own), moves their rows into the batch's router, which streams row groups
 * out as memory requires, then commits: batch files, `written` records, manifests. Returns the members
 * that turned out too big to hold whole, for conversion alone.
 */
async function writeBatch(pipeline: Pipeline, members: OpenedArchive[], stagingLimit: number, batch: BatchOptions): Promise<OpenedArchive[]> {
  const emit = batch.onOutcome
  const { options, dest, destPrefix } = pipeline
  const plan = memoryPlan(options.memoryLimitBytes)
  const id = batchId(
    members.map((m) => ({ key: m.archive.key, etag: m.info.etag })),
    `${Date.now()}-${randomUUID()}`,
  )
  const records = new BatchRecords(dest, destPrefix, id)
  const streams = new StreamedOutputs(dest, plan.uploadQueueBytes)
  const router = streamingRouter(pipeline, '', plan, (partition) => streams.open(batchFileKey(destPrefix, partition, id), records.writingFor(partition)))
  const keep = cccByteFilter(options.extraServices)
  const bodies = prefetch(pipeline, members, stagingLimit)
  const staged: Staged[] = []
  const tooBig: OpenedArchive[] = []
  /** Members already settled on their own (settledAlone, or gone): a failure of the batch is not theirs. */
  const settledAlone = new Set<OpenedArchive>()
  let reached = 0
  let files: BatchPartition[]
  try {
    for (const [index, member] of members.entries()) {
      // A stop leaves the rest unstarted (no outcome): an FC batch hands them to its continuation.
      if (index > 0 && batch.stopRequested?.()) break
      reached = index + 1
      let body: Buffer
      try {
        body = await bodies(index)
      } catch (error) {
        // Reading one archive failed (gone, or the source's fault beyond its retries): it fails alone, as
        // outside a batch; none of its rows reached the batch. Faults of the destination fail the batch.
        settledAlone.add(member)
        emit(failedOutcome(pipeline, member.archive.key, error))
        continue
      }
      const result = await stage(pipeline, member, body, stagingLimit, keep)
      if (result === 'too_big') tooBig.push(member)
      else if ('manifest' in result) {
        await member.run.commit(result.manifest)
        settledAlone.add(member)
        emit(finish(pipeline, { ...result.summary, millis: Date.now() - member.started }))
      } else {
        const counts = countsOf(result.router)
        const quarantine = await writeEventQuarantine(pipeline, member.archive.key, member.info, result.router, counts)
        const rows = router.absorb(result.router)
        staged.push({ opened: member, counts, rows, quarantine, reason: result.router.quarantined[0]?.reason, bytesIn: result.stats.compressedBytes })
        await streams.room()
      }
    }
    files = await finishFiles(pipeline, router, streams, records, staged)
  } catch (error) {
    await streams.abort(error)
    await records.rollback([...router.partitions.values()].map((partition) => batchFileKey(destPrefix, partition, id)))
    // A fault of the storage fails the batch (retryable, nothing visible); anything else (the encoder
    // failing on some row) is found out by converting each archive alone, which quarantines the culprit.
    if (error instanceof CccTrailError && !(error instanceof PermanentInputError)) {
      for (const member of members.slice(0, reached)) if (!settledAlone.has(member)) emit(failedOutcome(pipeline, member.archive.key, error))
      return []
    }
    pipeline.log.warn(`batch failed, converting its archives alone: ${errorMessage(error)}`, { batch: id, archives: staged.length })
    return [...staged.map((s) => s.opened), ...tooBig]
  }
  try {
    await records.commit(files)
  } catch (error) {
    for (const s of staged) emit(failedOutcome(pipeline, s.opened.archive.key, error))
    return tooBig
  }
  const commits = boundedTasks(PARALLEL_PUTS)
  for (const s of staged) await commits.add(async () => emit(await commitMember(pipeline, s, files)))
  await commits.drain()
  pipeline.log.info('batch written', { batch: id, archives: staged.length, files: files.length })
  return tooBig
}

const PARALLEL_PUTS = 8

async function commitMember(pipeline: Pipeline, s: Staged, files: readonly BatchPartition[]): Promise<Outcome> {
  const { opened } = s
  const outputs: OutputFile[] = []
  for (const [partitionId, rows] of s.rows) {
    const file = files.find((f) => f.id === partitionId)!
    // A shared file's bytes are shared out by rows, so that the members' bytesOut add up to the files'.
    const bytes = Math.round((file.output.bytes * rows) / Math.max(1, file.output.rows))
    outputs.push({ key: file.output.key, dt: file.partition.dt, eventName: file.partition.eventName, rows, bytes })
  }
  try {
    await opened.run.commit(manifestOf(opened.archive.key, opened.info, 'written', s.counts, outputs, s.quarantine))
  } catch (error) {
    return failedOutcome(pipeline, opened.archive.key, error)
  }
  const result: ArchiveResult = {
    key: opened.archive.key,
    etag: opened.info.etag,
    status: 'written',
    reason: s.reason,
    counts: s.counts,
    files: outputs.length,
    bytesIn: s.bytesIn,
    bytesOut: outputs.reduce((sum, o) => sum + o.bytes, 0),
    millis: Date.now() - opened.started,
  }
  return finish(pipeline, result)
}

type StageResult = 'too_big' | { router: ArchiveRouter; stats: DecodeStats } | Awaited<ReturnType<typeof quarantineArchive>>

/** One member read whole into its own router; an input fault quarantines it alone. */
async function stage(pipeline: Pipeline, member: OpenedArchive, body: Buffer, limit: number, keep: ByteFilter): Promise<StageResult> {
  const { options } = pipeline
  const { archive, info, run } = member
  const router = new ArchiveRouter(archive.key, {
    timeZone: options.timeZone,
    extraServices: options.extraServices,
    rowBufferBytes: Infinity,
    encoder: HELD_ONLY,
  })
  let stats: DecodeStats | undefined
  try {
    const add = (element: Parameters<ArchiveRouter['add']>[0]) => {
      router.add(element)
      if (router.heldBytes > limit) throw new TooBigForBatch(`${archive.key} holds more than ${limit} bytes of rows`)
    }
    stats = await readElementsOfBody(body, add, { maxEventBytes: options.maxEventBytes, keep, maxInflatedBytes: limit })
    if (options.verifyEventCount && stats.elements !== archive.eventCount) {
      throw new PermanentInputError('event_count_mismatch', `the key says ${archive.eventCount} events, the archive holds ${stats.elements}`)
    }
  } catch (error) {
    if (error instanceof TooBigForBatch) return 'too_big'
    if (!(error instanceof PermanentInputError)) throw error
    const events = Math.max(archive.eventCount, stats?.elements ?? router.elements)
    return quarantineArchive(pipeline, archive, info, error, run, events)
  }
  return { router, stats }
}

/** Closes every partition's file (streamed ones wait for their last bytes); each put waits for its `writing` record. */
async function finishFiles(
  pipeline: Pipeline,
  router: ArchiveRouter,
  streams: StreamedOutputs,
  records: BatchRecords,
  staged: readonly Staged[],
): Promise<BatchPartition[]> {
  const files: BatchPartition[] = []
  const puts = boundedTasks(PARALLEL_PUTS)
  for (const [partitionId, partition] of router.partitions) {
    const bytes = await partition.finish()
    const key = batchFileKey(pipeline.destPrefix, partition, records.id)
    const sources = staged.filter((s) => s.rows.has(partitionId)).map((s) => s.opened.archive.key)
    const file: BatchPartition = { id: partitionId, partition, output: { key, rows: partition.file.rows, bytes: bytes.length }, sources }
    if (streams.isStreaming(key)) await puts.add(async () => void (file.output.bytes = await streams.close(key, bytes)))
    else
      await puts.add(async () => {
        await records.writingFor(partition)
        await pipeline.dest.put(key, bytes)
      })
    files.push(file)
  }
  await puts.drain()
  return files
}

/**
 * The members' bodies, read ahead of the conversion while their gzip bytes stay under `budget` (at least
 * one), so that reading from OSS overlaps converting. `body(i)` must be asked in order.
 */
function prefetch(pipeline: Pipeline, members: readonly OpenedArchive[], budget: number): (index: number) => Promise<Buffer> {
  const reads: (Promise<Buffer> | undefined)[] = []
  let started = 0
  let held = 0
  const fill = (needed: number) => {
    while (started < members.length && (started <= needed || held + members[started].info.size <= budget)) {
      held += members[started].info.size
      const read = readAll(pipeline.source, members[started].archive.key)
      read.catch(() => undefined)
      reads[started++] = read
    }
  }
  return async (index) => {
    fill(index)
    try {
      return await reads[index]!
    } finally {
      held -= members[index].info.size
      reads[index] = undefined
      fill(index)
    }
  }
}

function byKey(a: OpenedArchive, b: OpenedArchive): number {
  return a.archive.key < b.archive.key ? -1 : a.archive.key > b.archive.key ? 1 : 0
}
