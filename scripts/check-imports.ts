/**
 * The import rule of lib/, run by `npm run lint`: a file may import files of its own unit or of a
 * unit in a lower layer, never one above. A unit is a folder of lib/, a file at lib/'s root, or one of
 * the single files named in LAYERS (pure helpers other layers read). Type-only imports count too.
 *   npx tsx scripts/check-imports.ts           # exits 1 and names each import that runs up
 *   npx tsx scripts/check-imports.ts --graph   # prints the units' imports, bottom layer first
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const LIB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../lib')

/** Bottom first. docs/design.md (Repository layout) says what each holds. */
const LAYERS: string[][] = [
  ['errors', 'layout', 'memory-plan', 'util', 'log'],
  ['location', 'credentials', 'decode', 'report/window.ts', 'catalog/api-category.ts', 'alerts/alert-row.ts'],
  ['storage', 'schema', 'report/sql.ts', 'catalog/ccc-api.ts', 'alerts/rules.ts'],
  ['source', 'normalize', 'read', 'alerts/evaluate.ts'],
  ['alerts/message.ts', 'ddl/types.ts'],
  ['alerts/webhook.ts'],
  ['alerts/settings.ts', 'ledger'],
  ['config', 'write'],
  ['catalog', 'demo'],
  ['quarantine', 'ddl', 'compact', 'query'],
  ['pipeline', 'report'],
  ['batch'],
  ['run-archives', 'pipeline-from-config', 'alerts'],
  ['parallel', 'fc'],
  ['backfill'],
  ['dead-letters'],
  ['dead-letter-replay', 'handlers'],
  ['cli'],
]

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/g

function libFiles(): string[] {
  return readdirSync(LIB, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => name.split(path.sep).join('/'))
}

const layerOf = new Map(LAYERS.flatMap((units, layer) => units.map((unit) => [unit, layer] as const)))

/** `report/window.ts` when named in LAYERS, else its folder (`report`), or for a root file its name (`config`). */
function unitOf(file: string): string {
  if (layerOf.has(file)) return file
  const slash = file.indexOf('/')
  return slash >= 0 ? file.slice(0, slash) : file.replace(/\.ts$/, '')
}

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(LIB, file), 'utf8')
  return [...text.matchAll(SPECIFIER)]
    .map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(file), (m[1] ?? m[2]).replace(/\.js$/, '.ts'))))
    .filter((target) => !target.startsWith('../'))
}

const problems: string[] = []
const edges = new Map<string, Set<string>>()
for (const file of libFiles()) {
  const from = unitOf(file)
  if (!layerOf.has(from)) problems.push(`lib/${file}: its unit "${from}" has no layer in scripts/check-imports.ts`)
  for (const target of importsOf(file)) {
    const to = unitOf(target)
    if (from === to) continue
    if (!edges.has(from)) edges.set(from, new Set())
    edges.get(from)!.add(to)
    const [a, b] = [layerOf.get(from) ?? -1, layerOf.get(to) ?? Infinity]
    if (b < a) continue
    problems.push(`lib/${file} imports lib/${target}: "${to}" is ${b === a ? 'in the same layer as' : 'above'} "${from}"`)
  }
}

if (process.argv.includes('--graph')) {
  for (const [layer, units] of LAYERS.entries())
    for (const unit of units) console.log(`${layer} ${unit} -> ${[...(edges.get(unit) ?? [])].sort().join(' ') || '(nothing)'}`)
}
if (problems.length > 0) {
  console.error(`Imports that run up (scripts/check-imports.ts):\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
