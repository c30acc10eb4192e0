import { ensureBuilt } from './built.js'

/** vitest global setup: the CLI tests execute dist/, so build it first whenever a source is newer. */
export default async function setup(): Promise<void> {
  await ensureBuilt('dist/lib/cli/main.js')
}
