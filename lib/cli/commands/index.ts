import { ENGINES } from '../../ddl/types.js'
import { DEFAULT_TIME_ZONE, DEFAULT_WORK_HOURS } from '../../report/window.js'
import type { Command } from '../command.js'
import { LOCATION_OPTIONS, RUN_OPTIONS, TUNING_OPTIONS } from '../options.js'
import { CACHE_OPTIONS, PARTITION_OPTIONS } from '../partition-flags.js'

/**
 * A command's run, loaded when the command runs: `--help`, a usage error or another command load none of
 * its modules (node spent a third of a CPU-second loading every command's for any one of them).
 */
function lazy(load: () => Promise<{ action: Pick<Command, 'run'> }>): Command['run'] {
  return async (input) => (await load()).action.run(input)
}

const processCommand: Command = {
  name: 'process',
  summary: 'convert the named archives, or every archive under --source, into the table at --dest',
  args: '[key ...]',
  options: {
    ...LOCATION_OPTIONS,
    ...TUNING_OPTIONS,
    force: { type: 'boolean', description: 'reprocess archives that are already done (rewrites the same files)' },
    'replay-quarantine': { type: 'boolean', description: 'reprocess every archive that has a quarantine record at --dest' },
    'replay-dead-letters': {
      type: 'boolean',
      description: 'convert what every dead letter at --dest asks for (invocations FC gave up on), then mark those letters replayed',
    },
    ...RUN_OPTIONS,
    json: { type: 'boolean', description: 'print one JSON object per archive and a JSON summary' },
  },
  run: lazy(() => import('./process.js')),
}

const backfillCommand: Command = {
  name: 'backfill',
  summary: 'convert every archive delivered in a date window that is not done yet (resumable: rerun to continue)',
  options: {
    ...LOCATION_OPTIONS,
    ...TUNING_OPTIONS,
    from: { type: 'string', description: 'first delivery-folder date, UTC (default yesterday)', placeholder: 'YYYY-MM-DD' },
    to: { type: 'string', description: 'last delivery-folder date, UTC (default today)', placeholder: 'YYYY-MM-DD' },
    prefix: { type: 'string', description: 'key prefix before AliyunLogs/ in the source (default: the prefix of --source)', placeholder: 'prefix' },
    ...RUN_OPTIONS,
    force: { type: 'boolean', description: 'reprocess archives that are already done (rewrites the same files)' },
    'progress-interval': { type: 'string', description: 'seconds between progress lines when stderr is not a terminal (default 5)', placeholder: 's' },
    json: { type: 'boolean', description: 'print the summary as one JSON object' },
  },
  run: lazy(() => import('./backfill.js')),
}

const queryCommand: Command = {
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
  run: lazy(() => import('./query.js')),
}

const reportCommand: Command = {
  name: 'report',
  summary: 'write the audit report: one self-contained HTML page (overview, customer-data access, administration, failures, newcomers, after hours)',
  options: {
    dest: LOCATION_OPTIONS.dest,
    from: {
      type: 'string',
      description: 'first day (dt) of the report (default: 6 days before --to; without --to, no earlier than the oldest day present)',
      placeholder: 'YYYY-MM-DD',
    },
    to: {
      type: 'string',
      description: 'last day (dt) of the report (default: the newest day in the table, or 6 days after --from)',
      placeholder: 'YYYY-MM-DD',
    },
    out: { type: 'string', description: 'the HTML file to write (default report.html)', placeholder: 'file' },
    'work-hours': { type: 'string', description: `working hours, start-end on the local clock (default ${DEFAULT_WORK_HOURS})`, placeholder: 'HH-HH' },
    'time-zone': { type: 'string', description: `IANA time zone of working hours and shown times (default ${DEFAULT_TIME_ZONE})`, placeholder: 'zone' },
    ...CACHE_OPTIONS,
  },
  run: lazy(() => import('./report.js')),
}

const alertsCommand: Command = {
  name: 'alerts',
  summary: 'evaluate the alert rules over days of the table and send one message (after a backfill); resend failed messages; rebuild the "seen before" state',
  options: {
    dest: LOCATION_OPTIONS.dest,
    from: { type: 'string', description: 'first day (dt) to evaluate', placeholder: 'YYYY-MM-DD' },
    to: { type: 'string', description: 'last day (dt) to evaluate (default: --from)', placeholder: 'YYYY-MM-DD' },
    'dry-run': { type: 'boolean', description: 'print the alerts instead of sending them; nothing is written' },
    resend: { type: 'boolean', description: 'send the messages kept under _ccc_trail/alerts/failed/ (also done by every sending run)' },
    'rebuild-state': {
      type: 'boolean',
      description: "rewrite when each caller and address was last seen from the table (the rules' look-back, ending at --to or the newest day)",
    },
    cache: CACHE_OPTIONS.cache,
  },
  run: lazy(() => import('./alerts.js')),
}

const compactCommand: Command = {
  name: 'compact',
  summary: 'merge the small per-archive files of finished dt partitions into large files, dropping duplicate event ids',
  options: {
    dest: LOCATION_OPTIONS.dest,
    date: { type: 'string', description: 'compact this one day only', placeholder: 'YYYY-MM-DD' },
    before: { type: 'string', description: 'compact days before this one (default: days at least 2 days old)', placeholder: 'YYYY-MM-DD' },
    since: { type: 'string', description: 'with --before: from this day on', placeholder: 'YYYY-MM-DD' },
    'target-mb': { type: 'string', description: 'target file size in MB (env COMPACT_TARGET_MB, default 128)', placeholder: 'MB' },
    rollup: {
      type: 'boolean',
      description: 'roll up the part files that arrived since the last roll-up, of today and yesterday (or --date), instead of compacting',
    },
    wait: { type: 'boolean', description: 'wait for a partition another run is compacting instead of skipping it' },
    json: { type: 'boolean', description: 'print one JSON object per partition and a JSON summary' },
  },
  run: lazy(() => import('./compact.js')),
}

const ddlCommand: Command = {
  name: 'ddl',
  summary: `print CREATE TABLE statements for ccc_events and ccc_api_catalog, and how to register partitions (${ENGINES.join(', ')})`,
  options: {
    engine: { type: 'string', description: `SQL engine: ${ENGINES.join(', ')}`, placeholder: 'engine' },
    location: { type: 'string', description: 'the table folder, e.g. oss://bucket/ccc-parquet/ccc_events/ (default: DEST)', placeholder: 'uri' },
    table: { type: 'string', description: 'name of the events table, optionally schema.table (default ccc_events)', placeholder: 'name' },
    region: { type: 'string', description: "OSS region, for MaxCompute's endpoint-style LOCATION (env OSS_REGION)", placeholder: 'region' },
  },
  run: lazy(() => import('./ddl.js')),
}

const demoCommand: Command = {
  name: 'demo',
  summary: 'generate sample archives into ./demo/bucket, process them into ./demo/lake, print a summary and write the audit report ./demo/report.html',
  options: {
    dir: { type: 'string', description: 'demo folder (default ./demo); its bucket/ and lake/ are recreated', placeholder: 'folder' },
    days: { type: 'string', description: 'days of archives to generate (default 3)', placeholder: 'n' },
    seed: { type: 'string', description: 'random seed of the generated archives (default 1)', placeholder: 'n' },
  },
  run: lazy(() => import('./demo.js')),
}

/** Every CLI command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  processCommand,
  backfillCommand,
  queryCommand,
  reportCommand,
  alertsCommand,
  compactCommand,
  ddlCommand,
  demoCommand,
]
