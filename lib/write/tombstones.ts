import type { Tombstone } from '../ledger/compaction-guard.js'
import type { OutputFile } from '../ledger/manifest.js'
import type { Storage } from '../storage/types.js'
import { FixedSchemaEncoder } from './fixed-schema-encoder.js'

/**
 * Writes each tombstone the compaction guard asks for as an empty data file (the table's schema, no
 * rows) and returns them as outputs for the run's manifest. A part file wins over compacted rows, so the
 * next compaction drops this source's old rows in that partition.
 */
export async function writeTombstones(dest: Storage, stones: readonly Tombstone[]): Promise<OutputFile[]> {
  const written: OutputFile[] = []
  for (const stone of stones) {
    const bytes = new FixedSchemaEncoder().finish()
    await dest.put(stone.key, bytes)
    written.push({ ...stone, rows: 0, bytes: bytes.length })
  }
  return written
}
