#!/usr/bin/env node
/**
 * Builds .fc-build/, the code folder s.yaml uploads: the compiled handlers and library (dist/functions,
 * dist/lib), package.json (its "type": "module" makes the FC Node.js runtime load the .js files as ES
 * modules) and the production dependencies from package-lock.json that a handler loads (fc-manifest.mjs),
 * installed for FC's platform (linux x64, glibc) whatever machine deploys. The working tree and its
 * node_modules are not touched. On a linux x64 machine it then imports each handler from the package.
 *
 *   node deploy/package-fc.mjs        (s.yaml runs it as its pre-deploy action)
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { NOT_IN_FC_PACKAGE, withoutPackages } from './fc-manifest.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, '.fc-build')
const HANDLERS = ['dead-letter', 'oss-trigger', 'backfill', 'compact']

function npm(args, cwd) {
  console.error(`[package-fc] npm ${args.join(' ')}  (in ${path.relative(root, cwd) || '.'})`)
  execFileSync('npm', args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' })
}

const readJson = (file) => JSON.parse(readFileSync(path.join(root, file), 'utf8'))

npm(['run', 'build'], root)
rmSync(out, { recursive: true, force: true })
mkdirSync(out)
for (const dir of ['functions', 'lib']) cpSync(path.join(root, 'dist', dir), path.join(out, 'dist', dir), { recursive: true })
const { pkg, lock } = withoutPackages(readJson('package.json'), readJson('package-lock.json'), NOT_IN_FC_PACKAGE)
writeFileSync(path.join(out, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
writeFileSync(path.join(out, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n')
// --ignore-scripts: the package's own "prepare" (tsc) has nothing to build here; dependencies ship prebuilt.
// --os/--cpu/--libc need npm 10.3 or later (10.4 for libc-specific optional packages); older npm ignores them.
npm(['ci', '--omit=dev', '--ignore-scripts', '--os=linux', '--cpu=x64', '--libc=glibc', '--no-audit', '--no-fund'], out)
if (process.platform === 'linux' && process.arch === 'x64') {
  for (const name of HANDLERS) {
    const script = `const m = await import('./dist/functions/${name}.js'); if (typeof m.handler !== 'function') throw new Error('no handler export')`
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: out, stdio: 'inherit' })
  }
  console.error(`[package-fc] every handler loads from the package (${HANDLERS.join(', ')})`)
}
console.error(`[package-fc] ready: ${path.relative(root, out)}/ (handler paths dist/functions/<name>.handler)`)
