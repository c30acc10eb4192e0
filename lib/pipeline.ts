import { compactionGuard, type CompactionGuard } from './compact/pipeline-guard.js'
import { boundedTasks } from './util/bounded.js'
import { readElements } from './decode/read-elements.js'
import { PermanentInputError, NotFoundError } from './errors.js'
import { manifestKey, outputKey } from './layout.js'
import type { Logger } from './log.js'
import { memoryPlan } from './memory-plan.js'
import { findManifests, readManifest, writeManifest, type Counts, type Manifest, type OutputFile } from './manifest.js'
import { writeQuarantine } from './quarantine.js'
import { classifyKey, type ArchiveKey } from './source/archive-key.js'
import type { ObjectInfo, Storage } from './storage/types.js'
import type { EncoderFactory } from './write/parquet.js'
import { ArchiveRouter } from './write/router.js'
import { StreamedOutputs } from './write/streamed-outputs.js'

export interface PipelineOptions {
  timeZone: string
  extraServices: ReadonlySet<string>
  /** Memory bound for one archive; row and output buffers get shares of it (see memory-plan.ts). */
  memoryLimitBytes: number
  maxEventBytes: number
  verifyEventCount: boolean
  /** Output file encoder; the default (hyparquet-writer Parquet) unless a benchmark swaps it. */
  encoder?: EncoderFactory
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
  const started = Date.now()
  const verdict = classifyKey(key)
  if (verdict.kind !== 'archive') {
    return finish(pipeline, { key, status: 'skipped', reason: verdict.kind === 'insight' ? 'insight_archive' : 'not_an_archive', counts: NO_COUNTS, files: 0, bytesIn: 0, bytesOut: 0, millis: 0 })
  }
  const info = await pipeline.source.head(key)
  if (!info) return finish(pipeline, { key, status: 'missing', reason: 'no_such_object', counts: NO_COUNTS, files: 0, bytesIn: 0, bytesOut: 0, millis: Date.now() - started })
  const previous = await findManifests(pipeline.dest, pipeline.destPrefix, key)
  const done = previous.find((m) => m.etag === info.etag)
  if (!options.force && done) {
    // A run that died after its commit may have left an older version's outputs behind.
    const stale = previous.filter((m) => m !== done)
    if (stale.length > 0) {
      const old = await Promise.all(stale.map((m) => readManifest(pipeline.dest, m.key)))
      await removeSuperseded(pipeline, old, await readManifest(pipeline.dest, done.key))
    }
    return finish(pipeline, { key, etag: info.etag, status: 'already_done', counts: NO_COUNTS, files: 0, bytesIn: 0, bytesOut: 0, millis: Date.now() - started })
  }
  // Read before convert: a forced rerun overwrites the manifest of the same version.
  const superseded = await Promise.all(previous.map((m) => readManifest(pipeline.dest, m.key)))
  // Earlier runs' rows may already sit in compacted files: see lib/compact/pipeline-guard.ts.
  const guard = await compactionGuard(pipeline.dest, pipeline.destPrefix, key, info.etag, superseded)
  const result = await convert(pipeline, verdict.archive, info, guard)
  await removeSuperseded(pipeline, superseded, result.manifest)
  return finish(pipeline, { ...result.summary, millis: Date.now() - started })
}

interface Converted { summary: Omit<ArchiveResult, 'millis'>; manifest: Manifest }

async function convert(pipeline: Pipeline, archive: ArchiveKey, info: ObjectInfo, guard: CompactionGuard): Promise<Converted> {
  const { options } = pipeline
  const plan = memoryPlan(options.memoryLimitBytes)
  const streams = new StreamedOutputs(pipeline.dest, plan.uploadQueueBytes)
  const keyOf = (dt: string, eventName: string | null) => outputKey(pipeline.destPrefix, dt, eventName, archive.key)
  const router = new ArchiveRouter(archive.key, {
    timeZone: options.timeZone,
    extraServices: options.extraServices,
    rowBufferBytes: plan.rowBufferBytes,
    encoder: options.encoder,
    streaming: {
      outputBufferBytes: plan.outputBufferBytes,
      openSink: (partition) => {
        const key = keyOf(partition.dt, partition.eventName)
        return streams.open(guard.shouldWrite(key) ? key : undefined)
      },
    },
  })
  let stats
  try {
    const stream = await pipeline.source.get(archive.key)
    stats = await readElements(stream, router.add, { maxEventBytes: options.maxEventBytes, pause: () => streams.room() })
    if (options.verifyEventCount && stats.elements !== archive.eventCount) {
      throw new PermanentInputError('event_count_mismatch', `the key says ${archive.eventCount} events, the archive holds ${stats.elements}`)
    }
  } catch (error) {
    // Files streamed so far are abandoned: nothing of this run is committed.
    await streams.abort(error)
    if (error instanceof NotFoundError) throw error
    if (!(error instanceof PermanentInputError)) throw error
    // A whole body was read when only the count disagrees: account for every event it held.
    const events = Math.max(archive.eventCount, stats?.elements ?? 0)
    return quarantineArchive(pipeline, archive, info, error, guard, events)
  }
  let outputs: OutputFile[]
  try {
    outputs = await writeOutputs(pipeline, archive.key, router, guard, streams)
  } catch (error) {
    await streams.abort(error)
    throw error
  }
  const counts: Counts = { events: router.elements, rows: router.rows, nonCcc: router.nonCcc, quarantined: router.quarantined.length }
  let quarantine: string | undefined
  if (router.quarantined.length > 0) {
    const first = router.quarantined[0]
    quarantine = await writeQuarantine(pipeline.dest, pipeline.destPrefix, {
      version: 1, source: archive.key, etag: info.etag, scope: 'events', reason: first.reason,
      message: `${router.quarantined.length} event(s) could not be placed; first: ${first.message}`,
      time: new Date().toISOString(), counts, events: router.quarantined,
    })
  }
  const manifest = manifestOf(archive.key, info, 'written', counts, outputs, quarantine)
  await writeManifest(pipeline.dest, pipeline.destPrefix, manifest)
  const bytesOut = outputs.reduce((sum, o) => sum + o.bytes, 0)
  const reason = router.quarantined[0]?.reason
  const summary = { key: archive.key, etag: info.etag, status: 'written' as const, reason, counts, files: outputs.length, bytesIn: stats.compressedBytes, bytesOut }
  return { summary, manifest }
}

/** Puts in flight at once per archive: an archive writes one small file per partition, so latency, not bandwidth, bounds it. */
const PARALLEL_PUTS = 8

async function writeOutputs(pipeline: Pipeline, sourceKey: string, router: ArchiveRouter, guard: CompactionGuard, streams: StreamedOutputs): Promise<OutputFile[]> {
  const outputs: OutputFile[] = []
  const puts = boundedTasks(PARALLEL_PUTS)
  for (const partition of router.partitions.values()) {
    const bytes = await partition.finish()
    const key = outputKey(pipeline.destPrefix, partition.dt, partition.eventName, sourceKey)
    const output: OutputFile = { key, dt: partition.dt, eventName: partition.eventName, rows: partition.file.rows, bytes: bytes.length }
    if (streams.isStreaming(key)) await puts.add(async () => void (output.bytes = await streams.close(key, bytes)))
    else if (guard.shouldWrite(key)) await puts.add(() => pipeline.dest.put(key, bytes))
    outputs.push(output)
  }
  await puts.drain()
  return [...outputs, ...(await guard.tombstones(outputs))]
}

async function quarantineArchive(pipeline: Pipeline, archive: ArchiveKey, info: ObjectInfo, error: PermanentInputError, guard: CompactionGuard, events: number): Promise<Converted> {
  const counts: Counts = { events, rows: 0, nonCcc: 0, quarantined: events }
  const quarantine = await writeQuarantine(pipeline.dest, pipeline.destPrefix, {
    version: 1, source: archive.key, etag: info.etag, scope: 'archive', reason: error.reason, message: error.message,
    time: new Date().toISOString(), counts,
  })
  const manifest = manifestOf(archive.key, info, 'quarantined', counts, await guard.tombstones([]), quarantine)
  await writeManifest(pipeline.dest, pipeline.destPrefix, manifest)
  const summary = { key: archive.key, etag: info.etag, status: 'quarantined' as const, reason: error.reason, message: error.message, counts, files: 0, bytesIn: info.size, bytesOut: 0 }
  return { summary, manifest }
}

function manifestOf(source: string, info: ObjectInfo, status: Manifest['status'], counts: Counts, outputs: OutputFile[], quarantine?: string): Manifest {
  return { version: 1, source, etag: info.etag, size: info.size, status, processedAt: new Date().toISOString(), counts, outputs, quarantine }
}

/** After the new manifest is committed: delete what only earlier runs wrote (files, quarantine records, manifests). */
async function removeSuperseded(pipeline: Pipeline, superseded: Manifest[], manifest: Manifest): Promise<void> {
  const keep = new Set(manifest.outputs.map((o) => o.key))
  if (manifest.quarantine) keep.add(manifest.quarantine)
  keep.add(manifestKey(pipeline.destPrefix, manifest.source, manifest.etag))
  for (const old of superseded) {
    const stale = [...old.outputs.map((o) => o.key), old.quarantine, manifestKey(pipeline.destPrefix, old.source, old.etag)]
    for (const key of stale) if (key && !keep.has(key)) await pipeline.dest.delete(key)
  }
}

function finish(pipeline: Pipeline, result: ArchiveResult): ArchiveResult {
  const { counts } = result
  const fields = { source: result.key, etag: result.etag, status: result.status, reason: result.reason, ...counts, files: result.files, bytesIn: result.bytesIn, bytesOut: result.bytesOut, millis: result.millis }
  if (result.status === 'quarantined') pipeline.log.warn(`archive quarantined: ${result.message}`, fields)
  else pipeline.log.info(`archive ${result.status}`, fields)
  return result
}
