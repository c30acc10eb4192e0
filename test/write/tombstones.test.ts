import { stat } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { partFileKey } from '../../lib/layout.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { writeTombstones } from '../../lib/write/tombstones.js'
import { queryTable } from '../support/duck.js'
import { tempDir } from '../support/temp.js'

const SOURCE = 'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/trail_2021-02-03-04-10-00_1.json.gz'

describe('writeTombstones', () => {
  it('writes an empty data file of the table schema at each key and returns it as an output without rows', async () => {
    const root = await tempDir('tombstones')
    const stones = [
      { key: partFileKey('', { dt: '2021-02-03', eventName: 'StartBack2BackCall' }, SOURCE), dt: '2021-02-03', eventName: 'StartBack2BackCall' },
      { key: partFileKey('', { dt: '2021-02-04', eventName: null }, SOURCE), dt: '2021-02-04', eventName: null },
    ]
    const outputs = await writeTombstones(new FsStorage(root), stones)
    expect(outputs.map(({ bytes, ...rest }) => rest)).toEqual(stones.map((stone) => ({ ...stone, rows: 0 })))
    for (const output of outputs) expect(output.bytes).toBe((await stat(path.join(root, output.key))).size)
    expect(await queryTable(root, 'SELECT count(*) AS n, count(DISTINCT dt) AS days FROM ccc_events')).toEqual([{ n: '0', days: '0' }])
    const [columns] = await queryTable(root, "SELECT count(*) AS n FROM (DESCRIBE ccc_events) WHERE column_name = 'event_id'")
    expect(columns).toEqual({ n: '1' })
  })

  it('writes nothing when no tombstone is needed', async () => {
    const root = await tempDir('tombstones')
    expect(await writeTombstones(new FsStorage(root), [])).toEqual([])
  })
})
