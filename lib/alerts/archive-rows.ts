import { NotFoundError } from '../errors.js'
import { manifestKey } from '../layout.js'
import { type Manifest, readManifest } from '../ledger/manifest.js'
import { openParquet } from '../read/parquet-read.js'
import { readAll } from '../storage/read.js'
import type { Storage } from '../storage/types.js'
import { ALERT_COLUMNS, type AlertRow, alertRow } from './alert-row.js'

/**
 * The rows one archive version committed, read back from the files its manifest lists: an alert
 * then always points at rows that are in the table. Files a later compaction already replaced are
 * skipped (their rows were read when they were new).
 */
export async function committedRows(storage: Storage, destPrefix: string, sourceKey: string, etag: string): Promise<AlertRow[]> {
  let manifest: Manifest
  try {
    manifest = await readManifest(storage, manifestKey(destPrefix, sourceKey, etag))
  } catch (error) {
    if (error instanceof NotFoundError) return []
    throw error
  }
  const rows: AlertRow[] = []
  for (const output of manifest.outputs) {
    if (output.rows === 0) continue
    let bytes: Buffer
    try {
      bytes = await readAll(storage, output.key)
    } catch (error) {
      if (error instanceof NotFoundError) continue
      throw error
    }
    const index = new Map<string, number>(ALERT_COLUMNS.map((name, i) => [name, i]))
    for (const values of await openParquet(bytes).readColumns(ALERT_COLUMNS))
      rows.push(alertRow((column) => values[index.get(column) ?? -1], output.dt, output.eventName))
  }
  return rows
}
