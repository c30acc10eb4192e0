import type { Config } from './config.js'
import type { Logger } from './log.js'
import type { Pipeline } from './pipeline.js'
import type { Location } from './storage/open.js'

/** The pipeline for one source and destination, with the options the config sets. */
export function createPipeline(config: Config, source: Location, dest: Location, log: Logger): Pipeline {
  return {
    source: source.storage,
    dest: dest.storage,
    destPrefix: dest.prefix,
    log,
    options: {
      timeZone: config.timeZone,
      extraServices: config.extraServices,
      memoryLimitBytes: config.memoryLimitBytes,
      maxEventBytes: config.maxEventBytes,
      verifyEventCount: config.verifyEventCount,
    },
  }
}
