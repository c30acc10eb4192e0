import type { Command } from '../command.js'
import { processCommand } from './process.js'
import { queryCommand } from './query.js'

/** Every CLI command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [processCommand, queryCommand]
