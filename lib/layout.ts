import { createHash } from 'node:crypto'

/**
 * Key layout under the destination prefix. Names starting with `_` are not data: engines skip them.
 *   dt=<d>/event_name=<n>/part-<sourceId>-<nameTag>.parquet one file per archive and partition (releases
 *                                                          before the tag wrote part-<sourceId>.parquet; both are read)
 *   dt=<d>/event_name=<n>/compact-<id>-<nnn>.parquet       merged files (id: hash of the input set)
 *   dt=<d>/event_name=<n>/batch-<id>-<nnn>.parquet         the rows of a batch of archives converted together (id:
 *                                                          <folder tag>_<hash>; releases before the tag wrote <hash>)
 *   _ccc_trail/manifests/<source key>@<etag>.json           what an archive wrote (the commit record)
 *   _ccc_trail/compactions/dt=<d>/event_name=<n>/<id>.json  what one compaction or batch wrote (its commit record)
 *   _ccc_trail/checkpoints/<name>.json                      backfill progress
 *   _ccc_trail/leases/dt=<d>/event_name=<n>/<gen>.json       who may delete in that partition now (lib/ledger/lease.ts)
 *   _ccc_trail/dead-letters/<YYYY-MM-DD>/<request id>.json  an async invocation FC gave up on (replayable)
 *   _ccc_trail/alerts/seen/<kind>/<hash>.json               when a caller or address was last seen (alert state)
 *   _ccc_trail/alerts/counts/<rule>/<hour>/<sourceId>.json  one archive's matching rows per hour (count rules)
 *   _ccc_trail/alerts/sent/<alert id>.json                  an alert that was delivered
 *   _ccc_trail/alerts/failed/<message id>.json              alerts whose delivery failed, for the next run
 *   _quarantine/<source key>@<etag>.json                    what could not be read, with reasons
 *   _catalog/ccc_api_catalog.parquet                        the API name dimension table
 */
export const META_DIR = '_ccc_trail/'
export const MANIFEST_DIR = `${META_DIR}manifests/`
export const CHECKPOINT_DIR = `${META_DIR}checkpoints/`
export const DEAD_LETTER_DIR = `${META_DIR}dead-letters/`
export const QUARANTINE_DIR = '_quarantine/'
export const CATALOG_KEY = '_catalog/ccc_api_catalog.parquet'
export const COMPACTION_DIR = `${META_DIR}compactions/`
export const LEASE_DIR = `${META_DIR}leases/`
export const PART_PREFIX = 'part-'
export const COMPACT_PREFIX = 'compact-'
export const BATCH_PREFIX = 'batch-'

export interface PartitionRef {
  dt: string
  eventName: string | null
}

/** Stable id of a source object: the same archive always writes the same file names. */
export function sourceId(sourceKey: string): string {
  let id = SOURCE_IDS.get(sourceKey)
  if (id === undefined) {
    id = createHash('sha1').update(sourceKey).digest('hex').slice(0, 16)
    if (SOURCE_IDS.size >= SOURCE_IDS_KEPT) SOURCE_IDS.clear()
    SOURCE_IDS.set(sourceKey, id)
  }
  return id
}

// The visibility rule asks for the ids of every source a batch or compaction record names, in every
// partition the record's run wrote: a query over 10 days of daily batches hashed the same 2,880 keys
// ~100,000 times (a third of its CPU). Bounded: a few MB at most.
const SOURCE_IDS = new Map<string, string>()
const SOURCE_IDS_KEPT = 20_000

export function partitionPrefix(destPrefix: string, partition: PartitionRef): string {
  return destPrefix + partitionPath(partition.dt, partition.eventName)
}

/**
 * The file one archive writes into one partition. `nameTag` (lower-case hex) comes from the exact event
 * name, so two names differing only in case (`ListUsers`, `listusers`) give files whose names differ in
 * more than case: on a case-insensitive disk (macOS, Windows) their folders are one, and neither file
 * overwrites the other.
 */
export function partFileKey(destPrefix: string, partition: PartitionRef, sourceKey: string): string {
  return `${partitionPrefix(destPrefix, partition)}${PART_PREFIX}${sourceId(sourceKey)}-${nameTag(partition.eventName)}.parquet`
}

/** 8 lower-case hex digits of the partition folder's value: different for names that differ only in case. */
export function nameTag(eventName: string | null): string {
  return createHash('sha1').update(escapePartitionValue(eventName)).digest('hex').slice(0, 8)
}

/** Every output of compaction `id` starts with this, so a crashed run's partial outputs can be found. */
export function compactedFilePrefix(destPrefix: string, partition: PartitionRef, id: string): string {
  return `${partitionPrefix(destPrefix, partition)}${COMPACT_PREFIX}${id}-`
}

/** The `index`th file compaction `id` writes into a partition. */
export function compactedFileKey(destPrefix: string, partition: PartitionRef, id: string, index: number): string {
  return `${compactedFilePrefix(destPrefix, partition, id)}${String(index).padStart(3, '0')}.parquet`
}

/** Every output of batch `id` in a partition starts with this. */
export function batchFilePrefix(destPrefix: string, partition: PartitionRef, id: string): string {
  return `${partitionPrefix(destPrefix, partition)}${BATCH_PREFIX}${id}-`
}

/** The file batch `id` writes into a partition (one per partition: a batch is at most a day of archives). */
export function batchFileKey(destPrefix: string, partition: PartitionRef, id: string): string {
  return `${batchFilePrefix(destPrefix, partition, id)}000.parquet`
}

/**
 * A batch's id: a hash of its archive versions and the run (`nonce`), so that a rerun after a crash, or a
 * second run of the same archives at the same moment, never overwrites a group another run may have
 * committed; prefixed `<folder tag>_` when the members share one source folder (batches are cut by folder:
 * a delivery day of one trail). Batches of different folders hold different archives, so their files can
 * sit in one partition (a day's late events delivered the next day) without a reader reading their records.
 */
export function batchId(members: readonly { key: string; etag: string }[], nonce: string): string {
  const hash = compactionId([...members, { key: '', etag: nonce }])
  const folders = new Set(members.map(({ key }) => key.slice(0, key.lastIndexOf('/') + 1)))
  return folders.size === 1 ? `${folderTag([...folders][0]!)}_${hash}` : hash
}

/** 8 hex digits of a source folder. Two folders with one tag only cost a reader their records, never a row. */
function folderTag(folder: string): string {
  return createHash('sha1').update(folder).digest('hex').slice(0, 8)
}

/**
 * What a data file's name says about it: one archive's rows, or one output of a multi-source writer run;
 * for a batch of one source folder, that folder's tag (see `batchId`).
 */
export type DataFileName = { kind: 'part'; sourceId: string } | { kind: 'group'; group: string; index: number; sourceFolder?: string }

// `part-<sourceId>-<nameTag>.parquet`, or `part-<sourceId>.parquet` from releases before the name tag.
const PART_NAME = /^part-([A-Za-z0-9_]+)(?:-[0-9a-f]{8})?\.parquet$/
const GROUP_NAME = /^(compact|batch)-([A-Za-z0-9_]+)-(\d+)\.parquet$/
const FOLDER_TAGGED_BATCH = /^([0-9a-f]{8})_[0-9a-f]{16}$/

/**
 * Parses a file name made by `partFileKey`, `compactedFileKey` or `batchFileKey` (a batch's files are a
 * group like a compaction's, described by a record of the same shape); anything else is not ccc-trail's data.
 */
export function parseDataFileName(name: string): DataFileName | undefined {
  const part = PART_NAME.exec(name)
  if (part) return { kind: 'part', sourceId: part[1] }
  const group = GROUP_NAME.exec(name)
  if (!group) return undefined
  const sourceFolder = group[1] === 'batch' ? FOLDER_TAGGED_BATCH.exec(group[2]!)?.[1] : undefined
  return { kind: 'group', group: group[2]!, index: Number(group[3]), ...(sourceFolder && { sourceFolder }) }
}

/**
 * Splits a key relative to the table into its partition folder (`dt=…/event_name=…/`) and file name, for
 * every Parquet file there: engines read them all, whoever wrote them.
 */
export function parseDataFileKey(relativeKey: string): { folder: string; name: string } | undefined {
  const match = /^(dt=[^/]+\/event_name=[^/]+\/)([^/]+\.parquet)$/.exec(relativeKey)
  return match ? { folder: match[1], name: match[2] } : undefined
}

/** The last segment of a key: a file's name within its partition folder. */
export function fileNameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1)
}

/** A data file holding many sources' rows (a compacted or batch file), which no one source's run may delete. */
export function isSharedDataFile(key: string): boolean {
  return parseDataFileName(fileNameOf(key))?.kind === 'group'
}

/** The same inputs (keys and versions) always give the same id, so a rerun after a crash rewrites the same names. */
export function compactionId(inputs: readonly { key: string; etag: string }[]): string {
  const hash = createHash('sha1')
  for (const input of [...inputs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) hash.update(`${input.key}@${input.etag}\n`)
  return hash.digest('hex').slice(0, 16)
}

export function compactionRecordPrefix(destPrefix: string, partition: PartitionRef): string {
  return destPrefix + COMPACTION_DIR + partitionPath(partition.dt, partition.eventName)
}

/** All compaction records of one day. */
export function compactionRecordDayPrefix(destPrefix: string, dt: string): string {
  return `${destPrefix}${COMPACTION_DIR}dt=${dt}/`
}

export function compactionRecordKey(destPrefix: string, partition: PartitionRef, id: string): string {
  return `${compactionRecordPrefix(destPrefix, partition)}${id}.json`
}

/** Every generation of one partition's lease lives under this prefix. */
export function leasePrefix(destPrefix: string, partition: PartitionRef): string {
  return destPrefix + LEASE_DIR + partitionPath(partition.dt, partition.eventName)
}

/** Generation `generation` of a partition's lease; zero-padded so key order is generation order. */
export function leaseKey(destPrefix: string, partition: PartitionRef, generation: number): string {
  return `${leasePrefix(destPrefix, partition)}${String(generation).padStart(10, '0')}.json`
}

/** The generation a lease key names, or undefined for any other key. */
export function parseLeaseGeneration(key: string): number | undefined {
  const match = /\/(\d{10})\.json$/.exec(key)
  return match ? Number(match[1]) : undefined
}

export function manifestKey(destPrefix: string, sourceKey: string, etag: string): string {
  return `${manifestPrefix(destPrefix, sourceKey)}${etag}.json`
}

/** All manifests of one source key (any etag) share this prefix. */
export function manifestPrefix(destPrefix: string, sourceKey: string): string {
  return `${destPrefix}${MANIFEST_DIR}${sourceKey}@`
}

/**
 * Where the failed invocation `requestId` is kept: the same failed request always gets the same key, so
 * FC retrying the dead-letter function writes it once. `day` (UTC) keeps folders small and sorted.
 */
export function deadLetterKey(destPrefix: string, day: string, requestId: string): string {
  return `${destPrefix}${DEAD_LETTER_DIR}${day}/${requestId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`
}

export function quarantineKey(destPrefix: string, sourceKey: string, etag: string): string {
  return `${destPrefix}${QUARANTINE_DIR}${sourceKey}@${etag}.json`
}

/** Splits a manifest or quarantine key back into source key and etag. */
export function parseRecordKey(key: string, dirPrefix: string): { sourceKey: string; etag: string } | undefined {
  if (!key.startsWith(dirPrefix) || !key.endsWith('.json')) return undefined
  const rest = key.slice(dirPrefix.length, -'.json'.length)
  const at = rest.lastIndexOf('@')
  return at > 0 ? { sourceKey: rest.slice(0, at), etag: rest.slice(at + 1) } : undefined
}

// Hive-style partition paths: `dt=<YYYY-MM-DD>/event_name=<escaped>/`.

export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__'

// The characters Hive's FileUtils.escapePathName escapes, plus control characters.
const NEEDS_ESCAPE = /["#%'*/:=?\\{}[\]^\u0000-\u001f\u007f]/g

export function escapePartitionValue(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return HIVE_DEFAULT_PARTITION
  // An event literally named so must not share the missing names' folder (one would overwrite the other's file).
  if (value === HIVE_DEFAULT_PARTITION) return '%5F' + value.slice(1)
  const escaped = value.replace(NEEDS_ESCAPE, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'))
  // "." and ".." are the only segments that could still move a path; escape their dots.
  return escaped === '.' || escaped === '..' ? escaped.replace(/\./g, '%2E') : escaped
}

/**
 * Longest escaped event name, in UTF-8 bytes, that a partition folder may carry: file systems
 * refuse path segments over 255 bytes, and OSS keys over 1023. Real API names are under 64.
 */
export const MAX_EVENT_NAME_BYTES = 200

/** Whether `eventName` makes a partition folder every store accepts. Cheap for short names. */
export function eventNameFitsPath(eventName: string | null): boolean {
  // One UTF-16 unit becomes at most 3 bytes, escaped or encoded.
  if (eventName === null || eventName.length * 3 <= MAX_EVENT_NAME_BYTES) return true
  return Buffer.byteLength(escapePartitionValue(eventName)) <= MAX_EVENT_NAME_BYTES
}

export function unescapePartitionValue(escaped: string): string | null {
  if (escaped === HIVE_DEFAULT_PARTITION) return null
  return escaped.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

export function partitionPath(dt: string, eventName: string | null): string {
  return `dt=${dt}/event_name=${escapePartitionValue(eventName)}/`
}

// Alert state (lib/alerts/): small, rebuildable from the table, never data.

export const ALERTS_DIR = `${META_DIR}alerts/`
export const ALERT_FAILED_DIR = `${ALERTS_DIR}failed/`

export function alertSeenKey(destPrefix: string, kind: string, value: string): string {
  return `${destPrefix}${ALERTS_DIR}seen/${kind}/${createHash('sha1').update(value).digest('hex').slice(0, 24)}.json`
}

/** Every archive's contribution to one count rule's hour lives under this prefix. */
export function alertCountPrefix(destPrefix: string, rule: string, hourStart: number): string {
  return `${destPrefix}${ALERTS_DIR}counts/${rule}/${new Date(hourStart).toISOString().slice(0, 13)}/`
}

export function alertCountKey(destPrefix: string, rule: string, hourStart: number, sourceKey: string): string {
  return `${alertCountPrefix(destPrefix, rule, hourStart)}${sourceId(sourceKey)}.json`
}

export function alertSentKey(destPrefix: string, alertId: string): string {
  return `${destPrefix}${ALERTS_DIR}sent/${alertId}.json`
}

export function alertFailedKey(destPrefix: string, messageId: string): string {
  return `${destPrefix}${ALERT_FAILED_DIR}${messageId}.json`
}
