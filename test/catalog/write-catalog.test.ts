import { describe, expect, it } from 'vitest'
import { CCC_API_CATALOG } from '../../lib/catalog/ccc-api.js'
import { CATALOG_COLUMNS, writeCatalog } from '../../lib/catalog/write-catalog.js'
import { CATALOG_KEY } from '../../lib/layout.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { queryTable } from '../support/duck.js'
import { tempDir } from '../support/temp.js'

describe('writeCatalog', () => {
  it('writes the API catalog where the ccc_api_catalog view finds it, every row and column intact', async () => {
    const root = await tempDir('ccc-catalog')
    const written = await writeCatalog(new FsStorage(root), '')
    expect(written).toMatchObject({ key: CATALOG_KEY, rows: CCC_API_CATALOG.length })

    const rows = await queryTable(root, 'SELECT event_name, meaning_zh, meaning_en, api_version, category, sensitive FROM ccc_api_catalog')
    expect(rows).toEqual(
      CCC_API_CATALOG.map((e) => ({
        event_name: e.eventName,
        meaning_zh: e.meaningZh,
        meaning_en: e.meaningEn,
        api_version: e.apiVersion,
        category: e.category,
        sensitive: e.sensitive,
      })),
    )
    const types = await queryTable(root, 'SELECT column_name, column_type, "null" FROM (DESCRIBE ccc_api_catalog)')
    expect(types).toEqual(CATALOG_COLUMNS.map((c) => ({ column_name: c.name, column_type: c.kind === 'boolean' ? 'BOOLEAN' : 'VARCHAR', null: 'YES' })))
    const [seed] = await queryTable(root, "SELECT meaning_zh FROM ccc_api_catalog WHERE event_name = 'DownloadRecording' AND api_version = '2017-07-05'")
    expect(seed).toEqual({ meaning_zh: '下载录音' })
  })

  it('writes under the table prefix and gives the same bytes every time', async () => {
    const root = await tempDir('ccc-catalog')
    const storage = new FsStorage(root)
    const first = await writeCatalog(storage, 'lake/ccc_events/')
    const second = await writeCatalog(storage, 'lake/ccc_events/')
    expect(first.key).toBe(`lake/ccc_events/${CATALOG_KEY}`)
    expect(second.bytes).toBe(first.bytes)
    expect((await storage.head(first.key))?.size).toBe(first.bytes)
  })
})
