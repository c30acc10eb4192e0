import type { Storage } from '../../lib/storage/types.js'

/** Storages that stop a writer at a chosen step, so a reader can look at the table there: the same point every run. */

/** The real storage, except that the n-th write or delete (from 0) stops the compaction. */
export function stoppingBefore(inner: Storage, stopAt: number): Storage & { mutations: () => number } {
  let mutations = 0
  const mutate = <T>(work: () => Promise<T>): Promise<T> => (mutations++ === stopAt ? Promise.reject(new Error(`stopped before mutation ${stopAt}`)) : work())
  return {
    description: inner.description,
    get: (key) => inner.get(key),
    head: (key) => inner.head(key),
    list: (prefix, options) => inner.list(prefix, options),
    put: (key, body) => mutate(() => inner.put(key, body)),
    putStream: (key, body) => mutate(() => inner.putStream(key, body)),
    putIfAbsent: (key, body) => mutate(() => inner.putIfAbsent(key, body)),
    delete: (key) => mutate(() => inner.delete(key)),
    // Key by key: the stop can fall inside one multi-object delete, which is not atomic.
    deleteMany: async (keys) => {
      for (const key of keys) await mutate(() => inner.delete(key))
    },
    mutations: () => mutations,
  }
}

/** The real storage, except that deleting stops the compaction: every output and the `written` record exist, every input too. */
export function stoppingAtFirstDelete(inner: Storage): Storage {
  const stop = (key: string | undefined) => Promise.reject(new Error(`stopped before deleting ${key}`))
  return { ...stoppingBefore(inner, Infinity), delete: stop, deleteMany: (keys) => stop(keys[0]) }
}
