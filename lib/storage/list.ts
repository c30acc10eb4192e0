import type { ListOptions, ObjectInfo, Storage } from './types.js'

/** Every object under `prefix`, page by page. */
export async function* listObjects(storage: Storage, prefix: string, options: Omit<ListOptions, 'cursor'> = {}): AsyncGenerator<ObjectInfo> {
  let cursor: string | undefined
  do {
    const page = await storage.list(prefix, { ...options, cursor })
    yield* page.objects
    cursor = page.next
  } while (cursor)
}

/** The common prefixes directly under `prefix` (one folder level). */
export async function listFolders(storage: Storage, prefix: string): Promise<string[]> {
  const folders: string[] = []
  let cursor: string | undefined
  do {
    const page = await storage.list(prefix, { delimiter: '/', cursor })
    folders.push(...page.prefixes)
    cursor = page.next
  } while (cursor)
  return folders
}
