import { type DecodeStats, readElements } from './decode/read-elements.js'
import { asInputFault, PermanentInputError } from './errors.js'
import { partFileKey } from './layout.js'
import { type ArchiveRun, beginArchive } from './ledger/archive-ledger.js'
import type { LeaseOptions } from './ledger/lease.js'
import type { Counts, Manifest, OutputFile } from './ledger/manifest.js'
import type { Logger } from './log.js'
import { type MemoryPlan, memoryPlan } from './memory-plan.js'
import { cccByteFilter } from './normalize/prefilter.js'
import { writeQuarantine } from './quarantine.js'
import { type ArchiveKey, classifyKey } from './source/archive-key.js'
import type { ObjectInfo, Storage } from './storage/types.js'
import { boundedTasks } from './util/concurrency.js'
import type { EncoderFactory } from './write/file-encoder.js'
import type { PartitionBuffer } from './write/partition-buffer.js'
import { ArchiveRouter } from './write/router.js'
import { type OutputSink, StreamedOutputs } from './write/streamed-outputs.js'
import { writeTombstones } from './write/tombstones.js'

export interface PipelineOptions {
  timeZone: string
  extraServices: ReadonlySet<string>
  /** Memory bound for one archive; row and output buffers get shares of it (see memory-plan.ts). */
  memoryLimitBytes: number
  maxEventBytes: number
  verifyEventCount: boolean
  /** Output file encoder; the default (the fixed-schema Parquet encoder) unless a benchmark swaps it. */
  encoder?: EncoderFactory
  /** Lease settings for runs that replace earlier runs' files (a test's clock, a shorter wait); defaults otherwise. */
  lease?: Partial<LeaseOptions>
}

export interface Pipeline {
  source: Storage
  dest: Storage
  destPrefix: string
  log: Logger
  options: PipelineOptions
}

export type ArchiveStatus = 'written' | 'quarantined' | 'already_done' | 'skipped' | 'missing'

export interface ArchiveResult {
  key: string
  etag?: string
  status: ArchiveStatus
  /** Why it was skipped or quarantined. */
  reason?: string
  message?: string
  counts: Counts
  files: number
  bytesIn: number
  bytesOut: number
  millis: number
}

const NO_COUNTS: Counts = { events: 0, rows: 0, nonCcc: 0, quarantined: 0 }

/**
 * One archive end to end: read, decode, normalize, route, write Parquet, then commit the manifest.
 * Idempotent: the same archive version is skipped once its manifest exists (or rewritten to the
 * same file names with `force`); a new version replaces the outputs of the old one.
 * Throws only what a retry may fix; bad input is quarantined and reported in the result.
 */
export async function processArchive(pipeline: Pipeline, key: string, options: { force?: boolean } = {}): Promise<ArchiveResult> {
  const opened = await openArchive(pipeline, key, options)
  return opened.kind === 'settled' ? opened.result : convertOpened(pipeline, opened)
}

/** An archive the ledger says to convert: its key, object version and the ledger's run for it. */
export interface OpenedArchive {
  kind: 'convert'
  archive: ArchiveKey
  info: ObjectInfo
  run: ArchiveRun
  started: number
}

/**
 * The first half of processArchive: classify the key, find the object, ask the ledger. Settles what
 * needs no conversion (skipped, missing, already done); otherwise hands out the run.
 */
export async function openArchive(
  pipeline: Pipeline,
  key: string,
  options: { force?: boolean } = {},
): Promise<OpenedArchive | { kind: 'settled'; result: ArchiveResult }> {
  const started = Date.now()
  const settled = (result: Omit<ArchiveResult, 'counts' | 'files' | 'bytesIn' | 'bytesOut'>) =>
    ({ kind: 'settled', result: finish(pipeline, { ...result, counts: NO_COUNTS, files: 0, bytesIn: 0, bytesOut: 0 }) }) as const
  const verdict = classifyKey(key)
  if (verdict.kind !== 'archive') {
    return settled({ key, status: 'skipped', reason: verdict.kind === 'insight' ? 'insight_archive' : 'not_an_archive', millis: 0 })
  }
  const info = await pipeline.source.head(key)
  if (!info) return settled({ key, status: 'missing', reason: 'no_such_object', millis: Date.now() - started })
  const entry = await beginArchive(pipeline.dest, pipeline.destPrefix, { source: key, etag: info.etag }, { ...options, lease: pipeline.options.lease })
  if (entry.kind === 'already_done') return settled({ key, etag: info.etag, status: 'already_done', millis: Date.now() - started })
  return { kind: 'convert', archive: verdict.archive, info, run: entry.run, started }
}

/** The second half of processArchive: convert one opened archive alone into its part files, then commit. */
export async function convertOpened(pipeline: Pipeline, opened: OpenedArchive): Promise<ArchiveResult> {
  let result: Converted
  try {
    await opened.run.hold()
    result = await convert(pipeline, opened.archive, opened.info, opened.run)
  } catch (error) {
    await opened.run.release()
    throw error
  }
  await opened.run.commit(result.manifest)
  return finish(pipeline, { ...result.summary, millis: Date.now() - opened.started })
}

export interface Converted {
  summary: Omit<ArchiveResult, 'millis'>
  manifest: Manifest
}

async function convert(pipeline: Pipeline, archive: ArchiveKey, info: ObjectInfo, run: ArchiveRun): Promise<Converted> {
  const { options } = pipeline
  const plan = memoryPlan(options.memoryLimitBytes)
  const streams = new StreamedOutputs(pipeline.dest, plan.uploadQueueBytes)
  const router = streamingRouter(pipeline, archive.key, plan, (partition) => {
    const key = partFileKey(pipeline.destPrefix, partition, archive.key)
    return streams.open(run.shouldWrite(key) ? key : undefined)
  })
  let stats: DecodeStats | undefined
  let outputs: OutputFile[]
  try {
    const stream = await pipeline.source.get(archive.key)
    stats = await readElements(stream, router.add, {
      maxEventBytes: options.maxEventBytes,
      keep: cccByteFilter(options.extraServices),
      pause: () => streams.room(),
    })
    if (options.verifyEventCount && stats.elements !== archive.eventCount) {
      throw new PermanentInputError('event_count_mismatch', `the key says ${archive.eventCount} events, the archive holds ${stats.elements}`)
    }
    outputs = await writeOutputs(pipeline, archive.key, router, run, streams)
  } catch (error) {
    // Files streamed so far are abandoned: nothing of this run is committed.
    await streams.abort(error)
    // Storage faults, refusals and a vanished object are thrown; only faults of the input are quarantined.
    if (!(error instanceof PermanentInputError)) throw error
    // A whole body was read when only the count disagrees: account for every event it held.
    const events = Math.max(archive.eventCount, stats?.elements ?? router.elements)
    return quarantineArchive(pipeline, archive, info, error, run, events)
  }
  const counts = countsOf(router)
  const quarantine = await writeEventQuarantine(pipeline, archive.key, info, router, counts)
  const manifest = manifestOf(archive.key, info, 'written', counts, outputs, quarantine)
  const bytesOut = outputs.reduce((sum, o) => sum + o.bytes, 0)
  const reason = router.quarantined[0]?.reason
  const summary = {
    key: archive.key,
    etag: info.etag,
    status: 'written' as const,
    reason,
    counts,
    files: outputs.length,
    bytesIn: stats.compressedBytes,
    bytesOut,
  }
  return { summary, manifest }
}

/** A router for the pipeline's options whose files stream out through `openSink` once the plan's output buffer is full. */
export function streamingRouter(pipeline: Pipeline, sourceKey: string, plan: MemoryPlan, openSink: (partition: PartitionBuffer) => OutputSink): ArchiveRouter {
  const { options } = pipeline
  return new ArchiveRouter(sourceKey, {
    timeZone: options.timeZone,
    extraServices: options.extraServices,
    rowBufferBytes: plan.rowBufferBytes,
    encoder: options.encoder,
    streaming: { outputBufferBytes: plan.outputBufferBytes, openSink },
  })
}

export function countsOf(router: ArchiveRouter): Counts {
  return { events: router.elements, rows: router.rows, nonCcc: router.nonCcc, quarantined: router.quarantined.length }
}

/** The quarantine record of the events of one archive that could not be placed, if any; returns its key. */
export async function writeEventQuarantine(
  pipeline: Pipeline,
  source: string,
  info: ObjectInfo,
  router: ArchiveRouter,
  counts: Counts,
): Promise<string | undefined> {
  if (router.quarantined.length === 0) return undefined
  const first = router.quarantined[0]
  return writeQuarantine(pipeline.dest, pipeline.destPrefix, {
    version: 1,
    source,
    etag: info.etag,
    scope: 'events',
    reason: first.reason,
    message: `${router.quarantined.length} event(s) could not be placed; first: ${first.message}`,
    time: new Date().toISOString(),
    counts,
    events: router.quarantined,
  })
}

/** Puts in flight at once per archive: an archive writes one small file per partition, so latency, not bandwidth, bounds it. */
const PARALLEL_PUTS = 8

/**
 * Encodes and puts each partition's file (or closes its streamed upload). A file the encoder cannot make is
 * an `unexpected_error` of this input: the files already put by this run are removed, so a quarantined
 * archive has no rows.
 */
async function writeOutputs(pipeline: Pipeline, sourceKey: string, router: ArchiveRouter, run: ArchiveRun, streams: StreamedOutputs): Promise<OutputFile[]> {
  const outputs: OutputFile[] = []
  const puts = boundedTasks(PARALLEL_PUTS)
  for (const partition of router.partitions.values()) {
    let bytes: Uint8Array
    try {
      bytes = await partition.finish()
    } catch (error) {
      await puts.drain()
      for (const output of outputs) if (run.shouldWrite(output.key)) await pipeline.dest.delete(output.key)
      throw asInputFault(error)
    }
    const key = partFileKey(pipeline.destPrefix, partition, sourceKey)
    const output: OutputFile = { key, dt: partition.dt, eventName: partition.eventName, rows: partition.file.rows, bytes: bytes.length }
    if (streams.isStreaming(key)) await puts.add(async () => void (output.bytes = await streams.close(key, bytes)))
    else if (run.shouldWrite(key)) await puts.add(() => pipeline.dest.put(key, bytes))
    outputs.push(output)
  }
  await puts.drain()
  return [...outputs, ...(await writeTombstones(pipeline.dest, run.tombstones(outputs)))]
}

export async function quarantineArchive(
  pipeline: Pipeline,
  archive: ArchiveKey,
  info: ObjectInfo,
  error: PermanentInputError,
  run: ArchiveRun,
  events: number,
): Promise<Converted> {
  const counts: Counts = { events, rows: 0, nonCcc: 0, quarantined: events }
  const quarantine = await writeQuarantine(pipeline.dest, pipeline.destPrefix, {
    version: 1,
    source: archive.key,
    etag: info.etag,
    scope: 'archive',
    reason: error.reason,
    message: error.message,
    time: new Date().toISOString(),
    counts,
  })
  const manifest = manifestOf(archive.key, info, 'quarantined', counts, await writeTombstones(pipeline.dest, run.tombstones([])), quarantine)
  const summary = {
    key: archive.key,
    etag: info.etag,
    status: 'quarantined' as const,
    reason: error.reason,
    message: error.message,
    counts,
    files: 0,
    bytesIn: info.size,
    bytesOut: 0,
  }
  return { summary, manifest }
}

export function manifestOf(source: string, info: ObjectInfo, status: Manifest['status'], counts: Counts, outputs: OutputFile[], quarantine?: string): Manifest {
  return { version: 1, source, etag: info.etag, size: info.size, status, processedAt: new Date().toISOString(), counts, outputs, quarantine }
}

/** Logs the archive's outcome line and returns it. */
export function finish(pipeline: Pipeline, result: ArchiveResult): ArchiveResult {
  const { counts } = result
  const fields = {
    source: result.key,
    etag: result.etag,
    status: result.status,
    reason: result.reason,
    ...counts,
    files: result.files,
    bytesIn: result.bytesIn,
    bytesOut: result.bytesOut,
    millis: result.millis,
  }
  if (result.status === 'quarantined') pipeline.log.warn(`archive quarantined: ${result.message}`, fields)
  else pipeline.log.info(`archive ${result.status}`, fields)
  return result
}
