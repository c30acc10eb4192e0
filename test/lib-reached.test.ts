import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO } from './support/cli.js'

/**
 * Every file of lib/ is loaded by some test: imported (statically or with import()) from a test file,
 * from a file such a file imports, or run as dist/ by the CLI tests. A file that no test reaches is
 * named, with the reason, under "Files of lib/ no test loads" in docs/testing.md.
 */

const SPECIFIER = /(?:from|import)\s*\(?\s*'([^']+)'|new URL\('([^']+)', import\.meta\.url\)|'(?:\.\/)?(dist\/lib\/[^']+\.js)'/g

function filesUnder(folder: string): string[] {
  return readdirSync(path.join(REPO, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(folder, name))
}

/** The repository files a source file loads: relative specifiers, resolved from .js to .ts. */
function loads(file: string): string[] {
  const text = readFileSync(path.join(REPO, file), 'utf8')
  const found: string[] = []
  for (const [, imported, url, dist] of text.matchAll(SPECIFIER)) {
    const specifier = imported ?? url
    const target = dist ? dist.replace(/^dist\//, '') : specifier?.startsWith('.') ? path.join(path.dirname(file), specifier) : undefined
    if (!target) continue
    const source = target.replace(/\.js$/, '.ts')
    if (existsSync(path.join(REPO, source))) found.push(source)
  }
  return found
}

function reachedFromTests(): Set<string> {
  const reached = new Set<string>()
  const queue = filesUnder('test')
  while (queue.length > 0) {
    const file = queue.pop()!
    if (reached.has(file)) continue
    reached.add(file)
    queue.push(...loads(file))
  }
  return reached
}

function documentedExceptions(): string[] {
  const text = readFileSync(path.join(REPO, 'docs/testing.md'), 'utf8')
  const section = text.split(/^## Files of lib\/ no test loads$/m)[1]?.split(/^## /m)[0] ?? ''
  return [...section.matchAll(/^- `(lib\/[^`]+)`/gm)].map((m) => m[1])
}

describe('lib/ under test', () => {
  it('every file of lib/ is loaded by some test, or docs/testing.md says why not', () => {
    const reached = reachedFromTests()
    const unreached = filesUnder('lib').filter((file) => !reached.has(file))
    expect(unreached.sort()).toEqual(documentedExceptions().sort())
  })
})
