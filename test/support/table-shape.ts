import { FsStorage } from '../../lib/storage/fs.js'
import { listObjects } from '../../lib/storage/list.js'
import { queryTable } from './duck.js'

/**
 * What must be equal between two runs over the same archives: the rows and the partitions. File names
 * depend on how the archives were batched (a batch's files carry its run's id), so they are not compared.
 */
export interface TableShape {
  rows: number
  distinctEvents: number
  /** `dt=.../event_name=.../`, sorted. */
  partitions: string[]
  /** Every row's event_id (or source for rows without one), sorted. */
  events: string[]
}

export async function tableShape(root: string, prefix = ''): Promise<TableShape> {
  const [counts] = await queryTable(`${root}/${prefix}`, 'select count(*) as n, count(distinct event_id) as d from ccc_events')
  const events = await queryTable(`${root}/${prefix}`, 'select coalesce(event_id, source_object) as e from ccc_events order by e')
  return { rows: Number(counts.n), distinctEvents: Number(counts.d), partitions: await dataFolders(root, prefix), events: events.map((r) => String(r.e)) }
}

/** Every data file under the table, sorted: a rerun that writes nothing leaves exactly these. */
export async function dataFileNames(root: string, prefix = ''): Promise<string[]> {
  const files: string[] = []
  for await (const info of listObjects(new FsStorage(root), prefix)) {
    const rest = info.key.slice(prefix.length)
    if (rest.endsWith('.parquet') && !rest.startsWith('_')) files.push(rest)
  }
  return files.sort()
}

async function dataFolders(root: string, prefix: string): Promise<string[]> {
  return [...new Set((await dataFileNames(root, prefix)).map((file) => file.slice(0, file.lastIndexOf('/') + 1)))].sort()
}
