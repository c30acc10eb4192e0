import { FsStorage } from '../../lib/storage/fs.js'
import { listObjects } from '../../lib/storage/list.js'
import { queryTable } from './duck.js'

/** What must be equal between two runs over the same archives: the rows and the data files. */
export interface TableShape {
  rows: number
  distinctEvents: number
  /** `dt=.../event_name=.../part-<id>.parquet`, sorted: the same archive writes the same names. */
  files: string[]
}

export async function tableShape(root: string, prefix = ''): Promise<TableShape> {
  const [counts] = await queryTable(`${root}/${prefix}`, 'select count(*) as n, count(distinct event_id) as d from ccc_events')
  const files: string[] = []
  for await (const info of listObjects(new FsStorage(root), prefix)) {
    const rest = info.key.slice(prefix.length)
    if (rest.endsWith('.parquet') && !rest.startsWith('_')) files.push(rest)
  }
  return { rows: Number(counts.n), distinctEvents: Number(counts.d), files: files.sort() }
}
