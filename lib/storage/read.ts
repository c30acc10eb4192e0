import type { Storage } from './types.js'

/** A whole object in memory: for the small JSON records and files the table keeps beside its data. */
export async function readAll(storage: Storage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of await storage.get(key)) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export async function readJson<T>(storage: Storage, key: string): Promise<T> {
  return JSON.parse((await readAll(storage, key)).toString('utf8')) as T
}
