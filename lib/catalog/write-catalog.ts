import { CATALOG_KEY } from '../layout.js'
import type { Storage } from '../storage/types.js'
import type { TableColumn } from '../write/file-encoder.js'
import { CCC_API_CATALOG } from './ccc-api.js'

/** The dimension table ccc_api_catalog: one row per (event_name, api_version). The DDL generator uses these too. */
export const CATALOG_COLUMNS: readonly (TableColumn & { description: string })[] = [
  { name: 'event_name', kind: 'string', required: true, description: 'CCC API name, as in ccc_events.event_name' },
  { name: 'meaning_zh', kind: 'string', required: true, description: 'what the API does (Chinese)' },
  { name: 'meaning_en', kind: 'string', required: true, description: 'what the API does (English)' },
  { name: 'api_version', kind: 'string', required: true, description: 'CCC API version that has this name' },
  { name: 'category', kind: 'string', required: true, description: 'customer_data, reporting, administration, configuration, outbound or telephony' },
  { name: 'sensitive', kind: 'boolean', required: true, description: 'every call deserves review: customer data, historical reports, administrative changes' },
]

export interface CatalogWritten {
  key: string
  rows: number
  bytes: number
}

/** Writes `_catalog/ccc_api_catalog.parquet` beside the table (overwriting it: the content is deterministic). */
export async function writeCatalog(dest: Storage, destPrefix: string): Promise<CatalogWritten> {
  const rows = CCC_API_CATALOG.map((entry) => [entry.eventName, entry.meaningZh, entry.meaningEn, entry.apiVersion, entry.category, entry.sensitive])
  // Loaded here, not at the top: only this write needs hyparquet-writer, and a conversion run starts sooner without it.
  const { encodeTable } = await import('../write/parquet.js')
  const bytes = encodeTable(CATALOG_COLUMNS, rows)
  const key = destPrefix + CATALOG_KEY
  await dest.put(key, bytes)
  return { key, rows: rows.length, bytes: bytes.length }
}
