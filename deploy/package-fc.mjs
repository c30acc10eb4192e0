#!/usr/bin/env node
/**
 * Builds .fc-build/, the code folder s.yaml uploads: the compiled handlers and library (dist/functions,
 * dist/lib), package.json (its "type": "module" makes the FC Node.js runtime load the .js files as ES
 * modules) and the production dependencies from package-lock.json, installed for FC's platform
 * (linux x64, glibc) whatever machine deploys. The working tree and its node_modules are not touched.
 *
 *   node deploy/package-fc.mjs        (s.yaml runs it as its pre-deploy action)
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, '.fc-build')

function npm(args, cwd) {
  console.error(`[package-fc] npm ${args.join(' ')}  (in ${path.relative(root, cwd) || '.'})`)
  execFileSync('npm', args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' })
}

npm(['run', 'build'], root)
rmSync(out, { recursive: true, force: true })
mkdirSync(out)
for (const dir of ['functions', 'lib']) cpSync(path.join(root, 'dist', dir), path.join(out, 'dist', dir), { recursive: true })
for (const file of ['package.json', 'package-lock.json']) cpSync(path.join(root, file), path.join(out, file))
// --ignore-scripts: the package's own "prepare" (tsc) has nothing to build here; dependencies ship prebuilt.
npm(['ci', '--omit=dev', '--ignore-scripts', '--os=linux', '--cpu=x64', '--libc=glibc', '--no-audit', '--no-fund'], out)
console.error(`[package-fc] ready: ${path.relative(root, out)}/ (handler paths dist/functions/<name>.handler)`)
