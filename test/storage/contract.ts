import { describe, expect, it } from 'vitest'
import { NotFoundError } from '../../lib/errors.js'
import { listFolders, listObjects } from '../../lib/storage/list.js'
import { readAll } from '../../lib/storage/read.js'
import type { Storage } from '../../lib/storage/types.js'

/** The behaviour every Storage driver must have. `make` returns an empty storage. */
export function storageContract(name: string, make: () => Promise<Storage>): void {
  describe(`storage contract: ${name}`, () => {
    it('puts and gets bytes unchanged, with size and etag', async () => {
      const storage = await make()
      const body = Buffer.from([0, 1, 2, 255, 254])
      const put = await storage.put('a/b/c.bin', body)
      expect(put.key).toBe('a/b/c.bin')
      expect(put.size).toBe(5)
      expect(put.etag).toMatch(/^[^"]+$/)
      expect(await readAll(storage, 'a/b/c.bin')).toEqual(body)
      const head = await storage.head('a/b/c.bin')
      expect(head).toMatchObject({ key: 'a/b/c.bin', size: 5, etag: put.etag })
    })

    it('overwrites and changes the etag when the content changes', async () => {
      const storage = await make()
      const first = await storage.put('k.txt', 'one')
      const second = await storage.put('k.txt', 'two!')
      expect(second.etag).not.toBe(first.etag)
      expect((await readAll(storage, 'k.txt')).toString()).toBe('two!')
    })

    it('reports a missing key as NotFoundError on get and undefined on head', async () => {
      const storage = await make()
      await expect(storage.get('missing/key')).rejects.toBeInstanceOf(NotFoundError)
      expect(await storage.head('missing/key')).toBeUndefined()
    })

    it('deletes idempotently', async () => {
      const storage = await make()
      await storage.put('x/y', 'z')
      await storage.delete('x/y')
      await storage.delete('x/y')
      expect(await storage.head('x/y')).toBeUndefined()
    })

    it('deletes many keys at once, idempotently, leaving the others', async () => {
      const storage = await make()
      const keys = ['m/a.parquet', 'm/event_name=a%2Fb/坐席 & <x>.parquet', 'm/sub/c.parquet', 'm/kept.parquet']
      for (const key of keys) await storage.put(key, key)
      await storage.deleteMany([keys[0]!, keys[1]!, keys[2]!, 'm/never-there', keys[0]!])
      expect((await storage.list('m/')).objects.map((o) => o.key)).toEqual(['m/kept.parquet'])
      await storage.deleteMany([keys[0]!, keys[1]!])
      await storage.deleteMany([])
      expect(await storage.head('m/kept.parquet')).toMatchObject({ size: keys[3]!.length })
    })

    it('lists by prefix in key order, paging with a cursor', async () => {
      const storage = await make()
      const keys = ['p/2021/02/03/b.gz', 'p/2021/02/03/a.gz', 'p/2021/02/04/c.gz', 'q/other.gz', 'p/2021/02/03x']
      for (const key of keys) await storage.put(key, key)
      const all: string[] = []
      for await (const info of listObjects(storage, 'p/2021/02/0', { limit: 2 })) all.push(info.key)
      expect(all).toEqual(['p/2021/02/03/a.gz', 'p/2021/02/03/b.gz', 'p/2021/02/03x', 'p/2021/02/04/c.gz'])
      const page = await storage.list('p/', { limit: 2 })
      expect(page.objects.map((o) => o.key)).toEqual(['p/2021/02/03/a.gz', 'p/2021/02/03/b.gz'])
      expect(page.next).toBeTruthy()
    })

    it('groups common prefixes with a delimiter', async () => {
      const storage = await make()
      for (const key of ['r/2021/01/x', 'r/2021/02/y', 'r/2021/02/z', 'r/2022/01/w', 'r/top.txt']) await storage.put(key, key)
      const page = await storage.list('r/', { delimiter: '/' })
      expect(page.prefixes).toEqual(['r/2021/', 'r/2022/'])
      expect(page.objects.map((o) => o.key)).toEqual(['r/top.txt'])
      expect(await listFolders(storage, 'r/2021/')).toEqual(['r/2021/01/', 'r/2021/02/'])
    })

    it('pages through many common prefixes', async () => {
      const storage = await make()
      for (let day = 1; day <= 12; day++) await storage.put(`d/${String(day).padStart(2, '0')}/f`, 'x')
      const seen: string[] = []
      let cursor: string | undefined
      do {
        const page = await storage.list('d/', { delimiter: '/', limit: 5, cursor })
        seen.push(...page.prefixes)
        cursor = page.next
      } while (cursor)
      expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `d/${String(i + 1).padStart(2, '0')}/`))
    })

    it('returns an empty page for an empty prefix range', async () => {
      const storage = await make()
      const page = await storage.list('nothing/here/')
      expect(page).toMatchObject({ objects: [], prefixes: [] })
      expect(page.next).toBeUndefined()
    })

    it('streams a body of many chunks into one object, equal to the bytes put whole', async () => {
      const storage = await make()
      const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(64 * 1024 + i, i))
      const whole = Buffer.concat(chunks)
      const streamed = await storage.putStream('s/big.bin', fromChunks(chunks))
      expect(streamed).toMatchObject({ key: 's/big.bin', size: whole.length })
      expect((await readAll(storage, 's/big.bin')).equals(whole)).toBe(true)
      expect(await storage.head('s/big.bin')).toMatchObject({ size: whole.length, etag: streamed.etag })
      const small = await storage.putStream('s/new/folder/small.bin', fromChunks([Buffer.from('ab'), Buffer.from('c')]))
      expect(small.size).toBe(3)
      expect((await readAll(storage, 's/new/folder/small.bin')).toString()).toBe('abc')
      const empty = await storage.putStream('s/empty.bin', fromChunks([]))
      expect(empty.size).toBe(0)
    })

    it('leaves no object and the old version in place when a streamed body fails', async () => {
      const storage = await make()
      await storage.put('s/kept.bin', 'old')
      for (const key of ['s/kept.bin', 's/never.bin']) {
        await expect(storage.putStream(key, failingAfter([Buffer.alloc(600 * 1024, 1), Buffer.alloc(600 * 1024, 2)]))).rejects.toThrow('body broke')
      }
      expect((await readAll(storage, 's/kept.bin')).toString()).toBe('old')
      expect(await storage.head('s/never.bin')).toBeUndefined()
      expect((await storage.list('s/')).objects.map((o) => o.key)).toEqual(['s/kept.bin'])
    })

    it('putIfAbsent creates a missing object and leaves an existing one alone', async () => {
      const storage = await make()
      const created = await storage.putIfAbsent('l/lease.json', 'first')
      expect(created).toMatchObject({ key: 'l/lease.json', size: 5 })
      expect(await storage.head('l/lease.json')).toMatchObject({ size: 5, etag: created?.etag })
      expect(await storage.putIfAbsent('l/lease.json', 'second!')).toBeUndefined()
      await storage.put('l/other.json', 'plain put')
      expect(await storage.putIfAbsent('l/other.json', 'x')).toBeUndefined()
      expect((await readAll(storage, 'l/lease.json')).toString()).toBe('first')
      expect((await readAll(storage, 'l/other.json')).toString()).toBe('plain put')
      await storage.delete('l/lease.json')
      expect(await storage.putIfAbsent('l/lease.json', 'third')).toBeDefined()
      expect((await readAll(storage, 'l/lease.json')).toString()).toBe('third')
      expect((await storage.list('l/')).objects.map((o) => o.key)).toEqual(['l/lease.json', 'l/other.json'])
    })

    it('putIfAbsent lets exactly one of many racing creators win', async () => {
      const storage = await make()
      const bodies = Array.from({ length: 8 }, (_, i) => `owner-${i}`)
      const results = await Promise.all(bodies.map((body) => storage.putIfAbsent('race/new/lease.json', body)))
      const winners = bodies.filter((_, i) => results[i] !== undefined)
      expect(winners).toHaveLength(1)
      expect((await readAll(storage, 'race/new/lease.json')).toString()).toBe(winners[0])
    })

    it('keeps unicode and escaped characters in keys', async () => {
      const storage = await make()
      const key = 'lake/event_name=a%2Fb/坐席=1 x.parquet'
      await storage.put(key, 'u')
      expect((await readAll(storage, key)).toString()).toBe('u')
      const page = await storage.list('lake/')
      expect(page.objects.map((o) => o.key)).toEqual([key])
    })
  })
}

async function* fromChunks(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk
}

async function* failingAfter(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* fromChunks(chunks)
  throw new Error('body broke')
}
