import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'

/** What a module can load, read from its source: the deployment tests ask what each FC handler can reach. */

const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g // await import('x')
const SPECIFIERS = [
  /^\s*(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]/gm, // import … from, export … from (across lines)
  /^\s*import\s*['"]([^'"]+)['"]/gm, // import 'x'
  DYNAMIC_IMPORT,
  /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g, // require('x'), with a require from createRequire
  /\bcreateRequire\([^)]*\)\(\s*['"]([^'"]+)['"]\s*\)/g, // createRequire(import.meta.url)('x')
]

export interface ModuleGraph {
  /** Absolute paths of the project's .ts files the entry can load, the entry included. */
  files: string[]
  /** npm packages they load (scope/name). */
  packages: Set<string>
}

/**
 * Every file and package `entry` can load: static imports, re-exports and literal dynamic imports, not
 * `import type`. With `dynamic: false`, what loading `entry` loads (no dynamic import followed).
 */
export function moduleGraph(entry: string, { dynamic = true }: { dynamic?: boolean } = {}): ModuleGraph {
  const patterns = dynamic ? SPECIFIERS : SPECIFIERS.filter((pattern) => pattern !== DYNAMIC_IMPORT)
  const seen = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8').replace(/^\s*(?:import|export)\s+type\s[^'"]*?from\s*['"][^'"]+['"]/gm, '')
    for (const [, specifier] of patterns.flatMap((pattern) => [...text.matchAll(pattern)])) {
      if (specifier!.startsWith('.')) visit(path.resolve(path.dirname(file), specifier!.replace(/\.js$/, '.ts')))
      else if (!specifier!.startsWith('node:') && !builtinModules.includes(specifier!))
        packages.add(
          specifier!
            .split('/')
            .slice(0, specifier!.startsWith('@') ? 2 : 1)
            .join('/'),
        )
    }
  }
  visit(entry)
  return { files: [...seen].sort(), packages }
}
