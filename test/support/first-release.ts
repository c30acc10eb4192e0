import { openParquet } from '../../lib/read/parquet-read.js'
import { COLUMNS, SOURCE_OBJECT_INDEX } from '../../lib/schema/columns.js'
import { listObjects } from '../../lib/storage/list.js'
import { readAll } from '../../lib/storage/read.js'
import type { Storage } from '../../lib/storage/types.js'
import { encodeTable } from '../../lib/write/parquet.js'

/** The 25 columns of the first release: event_id ... source_object. */
export const FIRST_RELEASE_COLUMNS = COLUMNS.slice(0, SOURCE_OBJECT_INDEX + 1)

/**
 * Rewrites every data file under `prefix` with the first release's 25-column schema, as if the lake had
 * been written before event_rw, recipient_account_id, referenced_resources and unmapped existed.
 * Returns the keys rewritten.
 */
export async function rewriteAsFirstRelease(dest: Storage, prefix = 'dt='): Promise<string[]> {
  const keys: string[] = []
  for await (const info of listObjects(dest, prefix)) {
    if (!info.key.endsWith('.parquet')) continue
    const table = openParquet(await readAll(dest, info.key))
    const rows = await table.readRows(0, table.rows)
    await dest.put(
      info.key,
      encodeTable(
        FIRST_RELEASE_COLUMNS,
        rows.map((row) => row.slice(0, FIRST_RELEASE_COLUMNS.length)),
      ),
    )
    keys.push(info.key)
  }
  return keys
}
