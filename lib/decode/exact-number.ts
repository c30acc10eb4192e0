/**
 * A JSON number kept as its source text because a double would change it: an integer beyond
 * 2^53 (`201553751340157473` would become `...472`) or an exponent a double cannot hold
 * (`1e400` would become Infinity, then `null`). Canonical JSON writes the text back unchanged
 * and id columns store it as text; every other coercion treats it as "not a plain number".
 */
export class ExactNumber {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text
  }
}

/**
 * A number literal that must stay text: 16 or more digits before its fraction, or an exponent of
 * three or more digits. Deliberately a property of the literal alone, so an event gives the same
 * values whichever parser reads it (the splitter's `longNumbers` pre-check finds these literals).
 */
export const KEEP_AS_TEXT = /^-?\d{16}|[eE][+-]?\d{3}/
