import type { ListOptions, Storage } from '../../lib/storage/types.js'

export interface StorageCall {
  op: 'get' | 'put' | 'head' | 'delete' | 'deleteMany' | 'list'
  key: string
  delimiter?: string
}

/** A real storage that also records each call, to check what a step reads. */
export function recording(storage: Storage): Storage & { calls: StorageCall[] } {
  const calls: StorageCall[] = []
  return {
    calls,
    description: storage.description,
    get: (key) => (calls.push({ op: 'get', key }), storage.get(key)),
    put: (key, body) => (calls.push({ op: 'put', key }), storage.put(key, body)),
    putStream: (key, body) => (calls.push({ op: 'put', key }), storage.putStream(key, body)),
    putIfAbsent: (key, body) => (calls.push({ op: 'put', key }), storage.putIfAbsent(key, body)),
    head: (key) => (calls.push({ op: 'head', key }), storage.head(key)),
    delete: (key) => (calls.push({ op: 'delete', key }), storage.delete(key)),
    deleteMany: (keys) => (calls.push({ op: 'deleteMany', key: keys.join(',') }), storage.deleteMany(keys)),
    list: (prefix: string, options?: ListOptions) => (calls.push({ op: 'list', key: prefix, delimiter: options?.delimiter }), storage.list(prefix, options)),
  }
}
