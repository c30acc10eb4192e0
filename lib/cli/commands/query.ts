import { loadConfig } from '../../config.js'
import { UsageError } from '../../errors.js'
import { SqlError, withDuckDb } from '../../query/duckdb.js'
import { formatRows, type OutputFormat } from '../../query/format.js'
import { missingRawColumns, rawEventLines } from '../../query/raw-events.js'
import { viewsForStatement } from '../../query/statement-table.js'
import { locationOpener } from '../../storage/open.js'
import { type Command, EXIT } from '../command.js'
import { cacheMaxMb, partitionFlags } from '../partition-flags.js'

/** What `ccc-trail query` does; its name, summary and options are in ./index.ts, which loads this on use. */
export const action: Pick<Command, 'run'> = {
  async run(input) {
    const sql = input.positionals.join(' ').trim()
    if (!sql) throw new UsageError('give the SQL to run, e.g. "select event_name, count(*) from ccc_events group by 1"')
    const format = (input.values.format ?? 'table') as OutputFormat
    if (!['table', 'json', 'csv'].includes(format)) throw new UsageError(`--format must be table, json or csv, got "${format}"`)
    const raw = input.values.raw === true
    if (raw && input.values.format !== undefined) throw new UsageError('--raw prints events as JSON lines; leave out --format')
    const flags = partitionFlags(input.values)
    const maxMb = cacheMaxMb(input.values)
    const config = loadConfig(input.env, typeof input.values.dest === 'string' ? { DEST: input.values.dest } : {})
    const dest = locationOpener(config.oss)(config.dest)
    let rows: Record<string, unknown>[]
    try {
      rows = await withDuckDb(async (db) => {
        const table = await viewsForStatement(db, dest, sql, {
          flags,
          cacheDir: input.values.cache as string | undefined,
          cacheMaxMb: maxMb,
          note: (line) => input.err(`ccc-trail query: ${line}`),
        })
        try {
          return await (raw ? table.sql.values(sql) : format === 'json' ? table.sql.jsonRows(sql) : table.sql.rows(sql))
        } finally {
          await table.release()
        }
      })
    } catch (error) {
      if (!(error instanceof SqlError)) throw error
      input.err(`ccc-trail query: ${error.message}`)
      return EXIT.usage
    }
    if (!raw) {
      input.out(formatRows(rows, format))
      return EXIT.ok
    }
    const missing = rows.length ? missingRawColumns(Object.keys(rows[0])) : []
    if (missing.length)
      throw new UsageError(`--raw rebuilds events from whole rows of ccc_events (select * from ccc_events ...); the result lacks ${missing.join(', ')}`)
    for (const line of rawEventLines(rows)) input.out(line)
    return EXIT.ok
  },
}
