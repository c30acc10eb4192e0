import type { Command } from '../command.js'
import { alertsCommand } from './alerts.js'
import { backfillCommand } from './backfill.js'
import { compactCommand } from './compact.js'
import { ddlCommand } from './ddl.js'
import { demoCommand } from './demo.js'
import { processCommand } from './process.js'
import { queryCommand } from './query.js'
import { reportCommand } from './report.js'

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
