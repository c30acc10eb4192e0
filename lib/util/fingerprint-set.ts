/**
 * A set of strings kept as 64-bit fingerprints in one typed array (at most half full): 16–32 bytes a
 * member instead of the ~80 a Set<string> takes for an event id, so a million ids cost at most 32 MB. Two different strings
 * share a fingerprint with probability ~n²/2^65 (about 3e-8 for a million members); `add` then
 * reports the second as present.
 */
export class FingerprintSet {
  private table = new Uint32Array(2 * 1024)
  private count = 0

  get size(): number {
    return this.count
  }

  /** Adds `text`; false when its fingerprint was already present. */
  add(text: string): boolean {
    if (2 * (this.count + 1) > this.table.length / 2) this.grow()
    const added = insert(this.table, hashA(text), hashB(text))
    if (added) this.count++
    return added
  }

  private grow(): void {
    const old = this.table
    this.table = new Uint32Array(old.length * 2)
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) insert(this.table, old[i]!, old[i + 1]!)
  }
}

/** Open addressing, linear probing over (a, b) pairs; (0, 0) marks an empty slot. */
function insert(table: Uint32Array, a: number, b: number): boolean {
  if (a === 0 && b === 0) b = 1
  const slots = table.length / 2
  for (let slot = a % slots; ; slot = (slot + 1) % slots) {
    const i = slot * 2
    if (table[i] === 0 && table[i + 1] === 0) {
      table[i] = a
      table[i + 1] = b
      return true
    }
    if (table[i] === a && table[i + 1] === b) return false
  }
}

/** FNV-1a over UTF-16 code units. */
function hashA(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** A multiply-rotate hash with a different seed and finaliser, independent enough of hashA. */
function hashB(text: string): number {
  let h = 0x9747b28c ^ text.length
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995)
    h ^= h >>> 15
  }
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}
