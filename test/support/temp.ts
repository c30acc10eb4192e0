import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll } from 'vitest'

const made: string[] = []
afterAll(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

/** A fresh folder, removed after the test file. */
export async function tempDir(label = 'ccc'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `${label}-`))
  made.push(dir)
  return dir
}
