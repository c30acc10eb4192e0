import type { Element } from '../decode/splitter.js'
import { errorMessage, type QuarantinedEvent } from '../errors.js'
import { eventNameFitsPath, MAX_EVENT_NAME_BYTES } from '../layout.js'
import { elementToRow, type Verdict } from '../normalize/to-row.js'
import { COLUMNS, UNIQUE_PER_ROW, type Value } from '../schema/columns.js'
import { dateInZone } from '../util/days.js'
import { FingerprintSet } from '../util/fingerprint-set.js'
import type { EncoderFactory } from './file-encoder.js'
import { PartitionBuffer } from './partition-buffer.js'
import type { OutputSink } from './streamed-outputs.js'

export interface RouterOptions {
  timeZone: string
  extraServices?: ReadonlySet<string>
  /** Bytes of buffered rows before the largest partition is flushed to a row group. */
  rowBufferBytes: number
  /** Bytes of raw event text kept in one archive's quarantine record. */
  quarantineRawBytes?: number
  /** Output file encoder; the fixed-schema Parquet encoder unless set. */
  encoder?: EncoderFactory
  /**
   * Streams output files while the archive is read: once the encoded bytes held exceed
   * `outputBufferBytes`, the largest file's bytes go to the sink `openSink` gives it.
   * Without it every file is held whole until the end.
   */
  streaming?: { outputBufferBytes: number; openSink: (partition: PartitionBuffer) => OutputSink }
}

/** Text columns whose values repeat from row to row (regions, user agents, account ids...). */
const REPEATING = COLUMNS.flatMap((column, i) => ((column.kind === 'string' || column.kind === 'json') && !UNIQUE_PER_ROW.has(column.name) ? [i] : []))

/** Routes the elements of one archive: rows into (dt, event_name) partitions, the rest counted or quarantined. */
export class ArchiveRouter {
  readonly partitions = new Map<string, PartitionBuffer>()
  readonly quarantined: QuarantinedEvent[] = []
  elements = 0
  rows = 0
  nonCcc = 0
  private held = 0
  private rawBudget: number
  /** Event ids seen in this archive; fingerprints, so that a huge archive's ids stay small. */
  private readonly seenIds = new FingerprintSet()
  /**
   * One copy of each repeating value per archive. Buffered rows then hold a shared copy while the
   * parsed duplicates die young, and the Parquet dictionary compares them by identity.
   */
  private readonly interned = new Map<string, string>()
  private readonly dateOf: (millis: number) => string

  constructor(
    private readonly sourceKey: string,
    private readonly options: RouterOptions,
  ) {
    this.dateOf = dateInZone(options.timeZone)
    this.rawBudget = options.quarantineRawBytes ?? 8 * 1024 * 1024
  }

  readonly add = (element: Element): void => {
    const index = this.elements++
    if ('notCcc' in element) {
      this.nonCcc++
      return
    }
    let verdict: Verdict
    try {
      verdict = elementToRow(element, this.sourceKey, this.options.extraServices)
    } catch (error) {
      // A fault of this event alone that no rule foresaw: its neighbours are still written.
      this.quarantine(element, { index, reason: 'unexpected_error', message: `unexpected error while converting the event: ${errorMessage(error)}` })
      return
    }
    if (verdict.kind === 'not_ccc') {
      this.nonCcc++
      return
    }
    if (verdict.kind === 'quarantine') {
      this.quarantine(element, { index, reason: verdict.reason, message: verdict.message })
      return
    }
    if (!eventNameFitsPath(verdict.eventName)) {
      this.quarantine(element, {
        index,
        reason: 'event_name_too_long',
        message: `eventName of ${verdict.eventName!.length} characters makes a partition folder name over ${MAX_EVENT_NAME_BYTES} bytes`,
        eventId: verdict.eventId,
      })
      return
    }
    if (verdict.eventId !== null) {
      if (!this.seenIds.add(verdict.eventId)) {
        this.quarantine(element, {
          index,
          reason: 'duplicate_event_id',
          message: `eventId ${verdict.eventId} appears earlier in this archive`,
          eventId: verdict.eventId,
        })
        return
      }
    }
    const dt = this.dateOf(verdict.millis)
    const id = dt + '\u0000' + (verdict.eventName ?? '\u0001')
    let partition = this.partitions.get(id)
    if (!partition) this.partitions.set(id, (partition = new PartitionBuffer(dt, verdict.eventName, this.options.encoder)))
    // Parsed rows take about twice their JSON text in memory.
    const bytes = element.bytes * 2
    partition.add(this.intern(verdict.row), bytes)
    this.rows++
    this.held += bytes
    if (this.held > this.options.rowBufferBytes) this.flushLargest()
  }

  private intern(row: Value[]): Value[] {
    for (const i of REPEATING) {
      const value = row[i]
      if (typeof value !== 'string') continue
      const shared = this.interned.get(value)
      if (shared === undefined) this.interned.set(value, value)
      else row[i] = shared
    }
    return row
  }

  private quarantine(element: Element, entry: QuarantinedEvent): void {
    if ('text' in element && element.text.length <= this.rawBudget) {
      entry.raw = element.text
      this.rawBudget -= element.text.length
    }
    this.quarantined.push(entry)
  }

  private flushLargest(): void {
    let largest: PartitionBuffer | undefined
    for (const partition of this.partitions.values()) if (!largest || partition.heldBytes > largest.heldBytes) largest = partition
    if (!largest) return
    this.held -= largest.heldBytes
    largest.flush()
    this.shipOutput()
  }

  /** Row groups just encoded may push the output held over its budget: stream out the largest files. */
  private shipOutput(): void {
    const streaming = this.options.streaming
    if (!streaming) return
    let output = 0
    for (const partition of this.partitions.values()) output += partition.outputBytes
    while (output > streaming.outputBufferBytes) {
      let largest: PartitionBuffer | undefined
      for (const partition of this.partitions.values()) if (!largest || partition.outputBytes > largest.outputBytes) largest = partition
      if (!largest || largest.outputBytes === 0) return
      output -= largest.outputBytes
      largest.ship(streaming.openSink)
    }
  }
}
