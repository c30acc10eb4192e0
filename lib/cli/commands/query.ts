import { UsageError } from '../../errors.js'
import { loadConfig } from '../../config.js'
import { withDuckDb } from '../../query/duckdb.js'
import { formatRows, type OutputFormat } from '../../query/format.js'
import { localTable } from '../../query/local-table.js'
import { createViews } from '../../query/views.js'
import { locationOpener } from '../../storage/open.js'
import { EXIT, type Command } from '../command.js'
import { LOCATION_OPTIONS } from '../flags.js'

export const queryCommand: Command = {
  name: 'query',
  summary: 'run SQL (DuckDB) over the table: views ccc_events (with dt, event_name) and ccc_api_catalog',
  args: '"<SQL>"',
  options: {
    dest: LOCATION_OPTIONS.dest,
    format: { type: 'string', description: 'table (default), json or csv', placeholder: 'format' },
    cache: { type: 'string', description: 'local mirror folder for an OSS table (default: the system temp folder)', placeholder: 'folder' },
  },
  async run(input) {
    const sql = input.positionals.join(' ').trim()
    if (!sql) throw new UsageError('give the SQL to run, e.g. "select event_name, count(*) from ccc_events group by 1"')
    const format = (input.values.format ?? 'table') as OutputFormat
    if (!['table', 'json', 'csv'].includes(format)) throw new UsageError(`--format must be table, json or csv, got "${format}"`)
    const config = loadConfig(input.env, typeof input.values.dest === 'string' ? { DEST: input.values.dest } : {})
    const root = await localTable(locationOpener(config)(config.dest), input.values.cache as string | undefined)
    const rows = await withDuckDb(async (db) => {
      await createViews(db, root)
      return db.rows(sql)
    })
    input.out(formatRows(rows, format))
    return EXIT.ok
  },
}
