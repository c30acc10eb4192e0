import { execFile } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { REPO } from './cli.js'

const run = promisify(execFile)
const LOCK = path.join(tmpdir(), 'ccc-trail-build.lock')

/**
 * The CLI, worker threads and benchmark children run compiled JavaScript from dist/. Rebuilds it when a
 * source under lib/, functions/ or bench/ is newer than `probe` (a dist file); one build at a time.
 * vitest's global setup calls it before any test, so no test runs stale code.
 */
export async function ensureBuilt(probe = 'dist/lib/parallel/worker.js'): Promise<void> {
  if (!isStale(probe)) return
  await withLock(async () => {
    if (!isStale(probe)) return
    // tsc exits non-zero on type errors elsewhere but still emits; the probe decides.
    await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO }).catch(() => undefined)
  })
  if (isStale(probe)) throw new Error(`${probe} is missing or older than the sources after "npm run build"`)
}

function isStale(probe: string): boolean {
  const built = mtime(path.join(REPO, probe))
  return built === 0 || newestSource() > built
}

function newestSource(): number {
  let newest = 0
  for (const folder of ['lib', 'functions', 'bench']) {
    for (const name of readdirSync(path.join(REPO, folder), { recursive: true }) as string[]) {
      if (name.endsWith('.ts')) newest = Math.max(newest, mtime(path.join(REPO, folder, name)))
    }
  }
  return newest
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs
  } catch {
    return 0
  }
}

async function withLock(use: () => Promise<void>): Promise<void> {
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(LOCK)
      break
    } catch {
      // A lock older than two minutes belongs to a run that died.
      if (waited > 120_000 || Date.now() - mtime(LOCK) > 120_000) rmSync(LOCK, { recursive: true, force: true })
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  try {
    await use()
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}
