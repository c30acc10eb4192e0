import { ExactNumber, KEEP_AS_TEXT } from './exact-number.js'
import { MAX_EVENT_DEPTH } from './splitter.js'

/**
 * JSON.parse, except that number literals KEEP_AS_TEXT matches become ExactNumber. It accepts and
 * rejects exactly what JSON.parse does (the fuzz suite compares the two), and a repeated key keeps
 * its last value, as JSON.parse does. Recursive, so it refuses values nested beyond
 * MAX_EVENT_DEPTH (the splitter never hands on deeper events).
 */
export function parseExactJson(text: string): unknown {
  const parser = new ExactJsonParser(text)
  parser.skipSpace()
  const value = parser.value(0)
  parser.skipSpace()
  if (parser.at < text.length) parser.fail('Unexpected non-whitespace character after JSON')
  return value
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

class ExactJsonParser {
  at = 0

  constructor(private readonly text: string) {}

  value(depth: number): unknown {
    const c = this.text.charCodeAt(this.at)
    if (c === 0x7b) return this.object(depth + 1)
    if (c === 0x5b) return this.array(depth + 1)
    if (c === 0x22) return this.string()
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number()
    for (const [word, literal] of LITERALS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length
        return literal
      }
    }
    return this.fail(this.at < this.text.length ? 'Unexpected token' : 'Unexpected end of JSON input')
  }

  private object(depth: number): Record<string, unknown> {
    this.enter(depth)
    const object: Record<string, unknown> = {}
    this.skipSpace()
    if (this.eat(0x7d)) return object
    for (;;) {
      if (this.text.charCodeAt(this.at) !== 0x22) this.fail('Expected property name')
      const key = this.string()
      this.skipSpace()
      if (!this.eat(0x3a)) this.fail("Expected ':' after property name")
      this.skipSpace()
      const value = this.value(depth)
      // A plain assignment of "__proto__" would set the prototype; JSON.parse makes an own property.
      if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
      else object[key] = value
      this.skipSpace()
      if (this.eat(0x7d)) return object
      if (!this.eat(0x2c)) this.fail("Expected ',' or '}' after property value")
      this.skipSpace()
    }
  }

  private array(depth: number): unknown[] {
    this.enter(depth)
    const array: unknown[] = []
    this.skipSpace()
    if (this.eat(0x5d)) return array
    for (;;) {
      array.push(this.value(depth))
      this.skipSpace()
      if (this.eat(0x5d)) return array
      if (!this.eat(0x2c)) this.fail("Expected ',' or ']' after array element")
      this.skipSpace()
    }
  }

  /** Finds the closing quote; JSON.parse of the quoted text then checks escapes and control characters. */
  private string(): string {
    const text = this.text
    let end = this.at + 1
    for (;;) {
      const c = text.charCodeAt(end)
      if (c === 0x22) break
      if (Number.isNaN(c)) this.fail('Unterminated string')
      end += c === 0x5c ? 2 : 1
    }
    const quoted = text.slice(this.at, end + 1)
    this.at = end + 1
    return JSON.parse(quoted) as string
  }

  private number(): number | ExactNumber {
    NUMBER.lastIndex = this.at
    if (!NUMBER.test(this.text)) this.fail('No number after minus sign')
    const literal = this.text.slice(this.at, NUMBER.lastIndex)
    this.at = NUMBER.lastIndex
    return KEEP_AS_TEXT.test(literal) ? new ExactNumber(literal) : Number(literal)
  }

  skipSpace(): void {
    const text = this.text
    let at = this.at
    for (;;) {
      const c = text.charCodeAt(at)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
      at++
    }
    this.at = at
  }

  private eat(code: number): boolean {
    if (this.text.charCodeAt(this.at) !== code) return false
    this.at++
    return true
  }

  private enter(depth: number): void {
    this.at++
    if (depth > MAX_EVENT_DEPTH) this.fail(`nested deeper than ${MAX_EVENT_DEPTH}`)
  }

  fail(what: string): never {
    throw new SyntaxError(`${what} in JSON at position ${this.at}`)
  }
}

const LITERALS: ReadonlyArray<[string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
]
