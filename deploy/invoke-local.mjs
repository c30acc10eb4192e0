#!/usr/bin/env node
/**
 * Invokes a compiled FC handler on this machine with an event file, the way FC calls it:
 * `handler(<event as a Buffer>, context)`. Configuration comes from the environment (lib/config.ts);
 * `SOURCE=/folder` makes a local folder stand in for the event's bucket and `DEST=/folder` writes the
 * table locally, so no cloud account is needed. OSS locations use ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET.
 *
 *   node deploy/invoke-local.mjs <function> <event.json> [--key <object key>] [--code <folder>]
 *     function   oss-trigger | backfill | compact (the file dist/functions/<function>.js)
 *     --key      replace the object key of every record of an OSS event
 *     --code     the code folder to load from: . (default, after `npm run build`) or .fc-build
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { positionals, values } = parseArgs({ allowPositionals: true, options: { key: { type: 'string' }, code: { type: 'string', default: '.' } } })
const [name, eventFile] = positionals
if (!name || !eventFile) {
  console.error('usage: node deploy/invoke-local.mjs <function> <event.json> [--key <object key>] [--code <folder>]')
  process.exit(2)
}

let event = readFileSync(eventFile)
if (values.key) {
  const json = JSON.parse(event.toString('utf8'))
  for (const record of json.events ?? []) record.oss.object.key = values.key
  event = Buffer.from(JSON.stringify(json))
}
const context = {
  requestId: `local-${Date.now()}`,
  region: process.env.OSS_REGION,
  function: { name: `ccc-trail-${name}`, handler: `dist/functions/${name}.handler` },
}
const file = path.resolve(root, values.code, 'dist', 'functions', `${name}.js`)
const { handler } = await import(pathToFileURL(file).href)
try {
  const result = await handler(event, context)
  console.log(JSON.stringify(result, null, 2))
} catch (error) {
  console.error(`${name} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`)
  process.exit(1)
}
