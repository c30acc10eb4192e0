import { type Config, loadConfig } from '../../config.js'
import { generateDdl } from '../../ddl/generate.js'
import { ENGINES, isEngine } from '../../ddl/types.js'
import { ConfigError, UsageError } from '../../errors.js'
import { describeLocation } from '../../location.js'
import { type Command, EXIT } from '../command.js'

/** What `ccc-trail ddl` does; its name, summary and options are in ./index.ts, which loads this on use. */
export const action: Pick<Command, 'run'> = {
  async run(input) {
    const engine = input.values.engine
    if (typeof engine !== 'string' || !isEngine(engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}`)
    const config = configuredTable(input.env)
    const location = (input.values.location as string | undefined) ?? (config && describeLocation(config.dest))
    if (!location) throw new UsageError('give --location (the table folder) or set DEST')
    input.out(
      generateDdl({
        engine,
        location,
        table: input.values.table as string | undefined,
        ossRegion: (input.values.region as string | undefined) ?? config?.oss.region,
      }),
    )
    return EXIT.ok
  },
}

/** The configured destination, when there is one: the DDL needs no credentials and no source. */
function configuredTable(env: NodeJS.ProcessEnv): Config | undefined {
  try {
    return loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return undefined
    throw error
  }
}
