import { PermanentInputError } from '../errors.js'

/**
 * One top-level event's JSON text (not yet parsed); a note that it was too large or too deeply
 * nested to keep; or one the splitter's filter said cannot be a CCC event (never decoded).
 * `longNumbers`: the text may hold a number literal a double would change (see
 * lib/decode/parse-event.ts); false means it surely does not, absent means unknown.
 */
export type Element =
  | { text: string; bytes: number; longNumbers?: boolean }
  | { tooLarge: true; bytes: number; head: string }
  | { tooDeep: true; bytes: number; head: string }
  | { notCcc: true; bytes: number }

/**
 * Most containers an event may nest, the event object itself included. Real events nest about 6
 * deep; the limit keeps every later walk of a value (JSON.parse, the lossless parser, canonical
 * JSON, the unmapped residual) far from the call stack's limit.
 */
export const MAX_EVENT_DEPTH = 512

export type BodyForm = 'array' | 'records' | 'ndjson'

/** Whether the element in `bytes[start, end)` should be decoded; `false` reports it as `notCcc` (see normalize/prefilter.ts). */
export type ByteFilter = (bytes: Buffer, start: number, end: number) => boolean

const QUOTE = 0x22,
  BACKSLASH = 0x5c,
  COMMA = 0x2c,
  NEWLINE = 0x0a
const OPEN_OBJECT = 0x7b,
  CLOSE_OBJECT = 0x7d,
  OPEN_ARRAY = 0x5b,
  CLOSE_ARRAY = 0x5d
const DIGIT_0 = 0x30,
  DIGIT_9 = 0x39,
  LOWER_E = 0x65,
  DOT = 0x2e,
  MINUS = 0x2d,
  PLUS = 0x2b
const BOM = Buffer.from([0xef, 0xbb, 0xbf])
const RECORDS_HEAD = /^\{\s*"Records"\s*:\s*\[/
const isSpace = (b: number) => b === 0x20 || b === NEWLINE || b === 0x0d || b === 0x09

/**
 * Splits a JSON array, `{"Records":[...]}` or NDJSON byte stream into its top-level elements,
 * chunk by chunk, without holding more than the current element. It only tracks strings and
 * brackets; each element's own syntax is checked later by JSON.parse, so one bad event does
 * not spoil its neighbours, and an event nested deeper than MAX_EVENT_DEPTH is handed on as a
 * note instead of its text. Structural damage (unbalanced brackets, trailing bytes, a body that
 * ends mid-event) fails the whole body with PermanentInputError.
 */
export class ElementSplitter {
  form: BodyForm | undefined
  elements = 0
  private head: Buffer = Buffer.alloc(0)
  private depth = 0
  /** Depth at which elements live: 1 in an array, 2 inside Records, 0 for NDJSON. */
  private elementDepth = 0
  private closers: number[] = []
  private inString = false
  private escaped = false
  private start = -1
  private startsContainer = false
  private closed = false
  private pending: Buffer[] = []
  private pendingBytes = 0
  private tooLarge = false
  private tooLargeHead = ''
  /** The current element nests deeper than MAX_EVENT_DEPTH; beyond it brackets are only counted. */
  private tooDeep = false
  /** Digits in a row outside strings (see the hot loop), and whether the current element reached 16. */
  private digits = 0
  private longNumbers = false
  private offset = 0

  /** `keep`, when given, sees each element's bytes first; those it rejects are reported as `notCcc`, not decoded. */
  constructor(
    private readonly onElement: (element: Element) => void,
    private readonly maxElementBytes = 64 << 20,
    private readonly keep?: ByteFilter,
  ) {}

  push(chunk: Buffer): void {
    if (this.form === undefined) {
      chunk = this.detectForm(chunk)
      if (this.form === undefined) return
    }
    this.scan(chunk)
    this.offset += chunk.length
  }

  /** Call once at end of input. */
  finish(): void {
    if (this.form === undefined) {
      const text = this.head.toString('utf8').trim()
      if (text === '') {
        this.form = 'array'
        return
      }
      this.form = 'ndjson'
      const rest = this.head.subarray(this.head.subarray(0, BOM.length).equals(BOM) ? BOM.length : 0)
      this.head = Buffer.alloc(0)
      this.elementDepth = 0
      this.scan(rest)
    }
    if (this.start >= 0 && !this.startsContainer && !this.inString && this.depth === this.elementDepth) this.emitScalarTail()
    if (this.inString || this.depth !== 0 || this.start >= 0) {
      throw new PermanentInputError('invalid_json', `JSON ends inside an event after ${this.elements} complete events (truncated body?)`)
    }
    if (this.form !== 'ndjson' && !this.closed) throw new PermanentInputError('invalid_json', 'JSON array is never closed')
  }

  private detectForm(chunk: Buffer): Buffer {
    const head = this.head.length ? Buffer.concat([this.head, chunk]) : chunk
    // A byte-order mark may arrive split over chunks; it is no part of the first element.
    if (head.length < BOM.length && BOM.subarray(0, head.length).equals(head)) {
      this.head = head
      return head.subarray(0, 0)
    }
    const bom = head.subarray(0, BOM.length).equals(BOM) ? BOM.length : 0
    let i = bom
    while (i < head.length && isSpace(head[i])) i++
    if (i === head.length) {
      this.head = head
      return head.subarray(0, 0)
    }
    const first = head[i]
    if (first === OPEN_ARRAY) {
      this.form = 'array'
      this.elementDepth = 1
    } else if (first === OPEN_OBJECT) {
      const peek = head.toString('latin1', i, Math.min(head.length, i + 64))
      if (RECORDS_HEAD.test(peek)) {
        this.form = 'records'
        this.elementDepth = 2
      } else if (head.length - i < 64 && /^\{\s*("(R(e(c(o(r(d(s("\s*(:\s*)?)?)?)?)?)?)?)?)?)?$/.test(peek)) {
        this.head = head // too short to tell Records from NDJSON yet
        return head.subarray(0, 0)
      } else {
        this.form = 'ndjson'
        this.elementDepth = 0
      }
    } else {
      throw new PermanentInputError(
        'unknown_body_format',
        `body starts with ${JSON.stringify(head.toString('utf8', i, i + 16))}: not a JSON array, {"Records":[...]} or NDJSON`,
      )
    }
    this.head = Buffer.alloc(0)
    return head.subarray(bom)
  }

  private scan(chunk: Buffer): void {
    const n = chunk.length
    const elementDepth = this.elementDepth
    const maxDepth = elementDepth + MAX_EVENT_DEPTH
    const closers = this.closers
    let depth = this.depth
    let digits = this.digits
    let i = 0
    if (this.inString) {
      i = this.closingQuote(chunk, 0) + 1
      if (i === 0) i = n
    }
    for (; i < n; i++) {
      const b = chunk[i]
      if (depth > elementDepth) {
        // Inside an event: only strings and brackets matter. This is the hot loop.
        if (b === QUOTE) {
          let j = i + 1
          while (j < n) {
            const c = chunk[j]
            if (c === QUOTE) break
            j += c === BACKSLASH ? 2 : 1
          }
          if (j >= n) {
            this.inString = true
            this.escaped = j > n
            break
          }
          i = j
        } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
          if (depth < maxDepth) closers.push(b === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)
          else this.tooDeep = true
          depth++
          digits = 0
        } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
          if (depth > maxDepth) depth--
          else {
            if (closers.pop() !== b) this.fail(`unbalanced "${String.fromCharCode(b)}"`)
            if (--depth === elementDepth) this.emit(chunk, i + 1)
          }
        } else if (b <= DIGIT_9 && b >= DIGIT_0) {
          // The exact-number pre-check, free here since strings are skipped: 16 digits before a
          // fraction, or 3 after an exponent (an "e" starts the count at 13).
          if (++digits >= 16) this.longNumbers = true
        } else if ((b | 0x20) === LOWER_E) digits = 13
        else if (b === DOT) digits = -64
        else if (b !== MINUS && b !== PLUS) digits = 0
        continue
      }
      // Between events, in the Records wrapper, or in a scalar element.
      if (this.start >= 0 && !this.startsContainer && depth === elementDepth && (b === COMMA || isSpace(b) || b === CLOSE_ARRAY || b === CLOSE_OBJECT)) {
        this.emit(chunk, i)
      }
      if (isSpace(b)) continue
      if (this.closed && b !== CLOSE_OBJECT && b !== CLOSE_ARRAY) this.fail('content after the end of the event list', 'trailing_bytes')
      if (b === QUOTE) {
        if (depth === elementDepth && this.start < 0) this.begin(i, false)
        const end = this.closingQuote(chunk, i + 1)
        if (end < 0) break
        i = end
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        if (depth === elementDepth && this.start < 0) this.begin(i, true)
        closers.push(b === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)
        depth++
      } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        if (closers.pop() !== b) this.fail(`unbalanced "${String.fromCharCode(b)}"`)
        depth--
        if (depth === elementDepth && this.start >= 0) this.emit(chunk, i + 1)
        else if (depth < elementDepth) this.closed = true
      } else if (b === COMMA) {
        if (depth === elementDepth && elementDepth === 0) this.fail('comma between NDJSON lines')
      } else if (depth === elementDepth && this.start < 0) {
        this.begin(i, false)
      }
    }
    this.depth = depth
    this.digits = digits
    if (this.start >= 0) this.keepPartial(chunk)
  }

  /**
   * Index of the quote that closes the string whose contents start at `from`, or -1 when the
   * string runs past this chunk (then `inString`, and `escaped` when the chunk ends mid-escape).
   */
  private closingQuote(chunk: Buffer, from: number): number {
    const n = chunk.length
    let j = from
    if (this.escaped) {
      this.escaped = false
      j++
    }
    while (j < n) {
      const c = chunk[j]
      if (c === QUOTE) {
        this.inString = false
        return j
      }
      j += c === BACKSLASH ? 2 : 1
    }
    this.inString = true
    this.escaped = j > n
    return -1
  }

  private begin(i: number, container: boolean): void {
    this.start = i
    this.startsContainer = container
  }

  /** Save the current element's bytes from this chunk; it continues in the next one. */
  private keepPartial(chunk: Buffer): void {
    const part = chunk.subarray(this.start)
    this.start = 0
    this.pendingBytes += part.length
    if (this.tooLarge) return
    if (this.pendingBytes > this.maxElementBytes) {
      this.tooLarge = true
      this.tooLargeHead = Buffer.concat([...this.pending, part]).toString('utf8', 0, 256)
      this.pending = []
      return
    }
    this.pending.push(Buffer.from(part))
  }

  private emit(chunk: Buffer, end: number): void {
    const bytes = this.pendingBytes + end - this.start
    this.elements++
    if (this.tooLarge || bytes > this.maxElementBytes) {
      const head = this.tooLarge ? this.tooLargeHead : chunk.toString('utf8', this.start, Math.min(end, this.start + 256))
      this.onElement({ tooLarge: true, bytes, head })
    } else if (this.pending.length === 0) {
      if (this.keep && !this.keep(chunk, this.start, end)) this.onElement({ notCcc: true, bytes })
      else if (this.tooDeep) this.onElement({ tooDeep: true, bytes, head: this.headOf(chunk, end) })
      else this.onElement({ text: chunk.toString('utf8', this.start, end), bytes, longNumbers: this.longNumbers })
    } else {
      const head = this.tooDeep ? this.headOf(chunk, end) : ''
      this.pending.push(chunk.subarray(0, end))
      const whole = Buffer.concat(this.pending)
      if (this.keep && !this.keep(whole, 0, whole.length)) this.onElement({ notCcc: true, bytes })
      else if (this.tooDeep) this.onElement({ tooDeep: true, bytes, head })
      else this.onElement({ text: whole.toString('utf8'), bytes, longNumbers: this.longNumbers })
    }
    this.pending = []
    this.pendingBytes = 0
    this.tooLarge = false
    this.tooDeep = false
    this.longNumbers = false
    this.start = -1
  }

  /** The first 256 bytes of the current element, as text. */
  private headOf(chunk: Buffer, end: number): string {
    const parts = this.pending.length === 0 ? [chunk.subarray(this.start, end)] : [...this.pending, chunk.subarray(0, end)]
    const head: Buffer[] = []
    let bytes = 0
    for (const part of parts) {
      head.push(part)
      if ((bytes += part.length) >= 256) break
    }
    return Buffer.concat(head).toString('utf8', 0, 256)
  }

  private emitScalarTail(): void {
    const text = Buffer.concat(this.pending).toString('utf8')
    this.pending = []
    this.elements++
    this.onElement({ text, bytes: this.pendingBytes, longNumbers: this.longNumbers })
    this.longNumbers = false
    this.pendingBytes = 0
    this.start = -1
  }

  private fail(what: string, reason: 'invalid_json' | 'trailing_bytes' = 'invalid_json'): never {
    throw new PermanentInputError(reason, `malformed JSON near byte ${this.offset}: ${what}`)
  }
}
