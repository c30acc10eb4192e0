import { loadConfig } from '../../config.js'
import { UsageError } from '../../errors.js'
import { SqlError, withDuckDb } from '../../query/duckdb.js'
import { formatRows, type OutputFormat } from '../../query/format.js'
import { missingRawColumns, rawEventLines } from '../../query/raw-events.js'
import { viewsForStatement } from '../../query/statement-table.js'
import { locationOpener } from '../../storage/open.js'
import { type Command, EXIT } from '../command.js'
import { LOCATION_OPTIONS } from '../flags.js'
import { CACHE_OPTIONS, cacheMaxMb, PARTITION_OPTIONS, partitionFlags } from '../partition-flags.js'

export const queryCommand: Command = {
  name: 'query',
  summary: 'run SQL (DuckDB) over the table: views ccc_events (with dt, event_name) and ccc_api_catalog',
  args: '"<SQL>"',
  options: {
    dest: LOCATION_OPTIONS.dest,
    format: { type: 'string', description: 'table (default), json (one object a line; a BIGINT beyond 2^53 stays a string) or csv', placeholder: 'format' },
    ...PARTITION_OPTIONS,
    ...CACHE_OPTIONS,
    raw: {
      type: 'boolean',
      description: 'print the rows as the original ActionTrail events, one JSON a line (select whole rows: select * from ccc_events ...)',
    },
  },
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
