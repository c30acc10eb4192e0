#!/usr/bin/env node
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const entry = new URL('../dist/lib/cli/main.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('ccc-trail: not built yet; run "npm install" (or "npm run build") in the package folder first\n')
  process.exit(2)
}
const argv = process.argv.slice(2)
// Converting commands run in a node sized for MEMORY_LIMIT_MB (see lib/cli/heap.ts): backfill and demo
// are relaunched at once; process only if its archives stay in this thread.
const { heapRelaunchFlags, relaunch } = await import(new URL('../dist/lib/cli/heap.js', import.meta.url).href)
const flags = heapRelaunchFlags(argv, process.execArgv, process.env)
if (flags) {
  process.exitCode = await relaunch(flags, fileURLToPath(import.meta.url), argv)
} else {
  const { main } = await import(entry.href)
  process.exitCode = await main(argv, process.env, { script: fileURLToPath(import.meta.url) })
}
