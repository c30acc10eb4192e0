import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package root (the folder with package.json), whether this runs from bench/ or dist/bench/. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url))
    dir = parent
  }
  return dir
}

/** Every gzip archive under `root`, sorted, as paths. */
export function archiveFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((name) => name.endsWith('.gz'))
    .sort()
    .map((name) => path.join(root, name))
}

/** Generated corpora and outputs live here (git-ignored, never committed). */
export function benchDir(): string {
  return path.join(packageRoot(), '.bench')
}
