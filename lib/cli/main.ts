import { parseArgs } from 'node:util'
import { ConfigError, errorMessage, UsageError } from '../errors.js'
import { jsonLogger, silentLogger } from '../log.js'
import { type Command, type CommandInput, EXIT } from './command.js'
import { COMMANDS } from './commands/index.js'
import { heapFlagsNeeded, relaunch } from './heap.js'

export interface MainOptions {
  /** The CLI script (bin/ccc-trail.js): given, a converting command can relaunch it with a sized heap. */
  script?: string
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, options: MainOptions = {}): Promise<number> {
  const out = (line: string) => process.stdout.write(line + '\n')
  const err = (line: string) => process.stderr.write(line + '\n')
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(generalHelp())
    return name ? EXIT.ok : EXIT.usage
  }
  if (name === '--version') {
    out('ccc-trail 0.1.0')
    return EXIT.ok
  }
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) {
    err(`ccc-trail: unknown command "${name}"\n\n${generalHelp()}`)
    return EXIT.usage
  }
  let parsed: { values: CommandInput['values']; positionals: string[] }
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' }, verbose: { type: 'boolean', short: 'v' } },
      allowPositionals: true,
      strict: true,
    }) as typeof parsed
  } catch (error) {
    err(`ccc-trail ${name}: ${errorMessage(error)}\n\n${commandHelp(command)}`)
    return EXIT.usage
  }
  if (parsed.values.help) {
    out(commandHelp(command))
    return EXIT.ok
  }
  const log = parsed.values.verbose ? jsonLogger((line) => process.stderr.write(line + '\n'), 'debug') : silentLogger
  try {
    const script = options.script
    const heap = script ? heapFlagsNeeded(argv, process.execArgv, env) : undefined
    const relaunchWithHeap = script && heap ? () => relaunch(heap, script, argv) : undefined
    return await command.run({
      values: parsed.values,
      positionals: parsed.positionals,
      out,
      err,
      log,
      tty: Boolean(process.stdout.isTTY),
      env,
      relaunchWithHeap,
    })
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      err(`ccc-trail ${name}: ${error.message}`)
      return EXIT.usage
    }
    err(`ccc-trail ${name}: ${errorMessage(error)}`)
    return EXIT.failed
  }
}

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return [
    'Usage: ccc-trail <command> [options]',
    '',
    'ActionTrail archives of Cloud Call Center events -> partitioned Parquet table.',
    'Locations are a local folder or oss://bucket/prefix.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "ccc-trail <command> --help" for the options of a command.',
    'Exit status: 0 done, 1 some archives failed (a rerun may fix them), 2 usage or configuration error (query: wrong SQL).',
  ].join('\n')
}

export function commandHelp(command: Command): string {
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` <${spec.placeholder ?? 'value'}>` : ''}`
    return [flag, spec.description + (spec.multiple ? ' (repeatable)' : '')]
  })
  rows.push(['-v, --verbose', 'structured JSON log lines on stderr'], ['-h, --help', 'show this help'])
  const width = Math.max(...rows.map(([flag]) => flag.length))
  return [
    `Usage: ccc-trail ${command.name} [options]${command.args ? ' ' + command.args : ''}`,
    '',
    command.summary,
    '',
    'Options:',
    ...rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
  ].join('\n')
}
