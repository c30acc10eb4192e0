import type { ListOptions, ListPage, ObjectInfo } from './types.js'

export const DEFAULT_PAGE_SIZE = 1000

/**
 * One page of a listing over objects already known, sorted by key: the shared paging and
 * delimiter rules of the in-process drivers (memory, fs), so both behave as OSS does.
 */
export function pageOf(sorted: ObjectInfo[], prefix: string, options: ListOptions = {}): ListPage {
  const limit = options.limit ?? DEFAULT_PAGE_SIZE
  const objects: ObjectInfo[] = []
  const prefixes: string[] = []
  let lastEntry: string | undefined
  for (const info of sorted) {
    if (!info.key.startsWith(prefix)) continue
    if (options.cursor !== undefined && info.key <= options.cursor) continue
    const rest = info.key.slice(prefix.length)
    const cut = options.delimiter ? rest.indexOf(options.delimiter) : -1
    if (cut >= 0) {
      const common = prefix + rest.slice(0, cut + options.delimiter!.length)
      if (common === prefixes.at(-1)) continue
      if (objects.length + prefixes.length === limit) return { objects, prefixes, next: lastEntry }
      prefixes.push(common)
      // Skip the rest of this common prefix: the cursor is its last possible key.
      lastEntry = common + '\uffff'
      continue
    }
    if (objects.length + prefixes.length === limit) return { objects, prefixes, next: lastEntry }
    objects.push(info)
    lastEntry = info.key
  }
  return { objects, prefixes }
}
