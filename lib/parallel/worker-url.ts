import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The compiled worker script. Beside this module when it runs from dist/; when it runs from the
 * TypeScript sources (tests), the build in dist/ — worker threads load JavaScript only.
 */
export function workerScriptUrl(): URL {
  const url = import.meta.url.endsWith('.js') ? new URL('./worker.js', import.meta.url) : new URL('../../dist/lib/parallel/worker.js', import.meta.url)
  if (!existsSync(fileURLToPath(url))) throw new Error(`worker script ${fileURLToPath(url)} is missing; run "npm run build" first`)
  return url
}
