#!/usr/bin/env node
import { existsSync } from 'node:fs'

const entry = new URL('../dist/lib/cli/main.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('ccc-trail: not built yet; run "npm install" (or "npm run build") in the package folder first\n')
  process.exit(2)
}
const { main } = await import(entry.href)
process.exitCode = await main(process.argv.slice(2))
