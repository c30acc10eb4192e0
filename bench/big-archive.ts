import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { createGzip } from 'node:zlib'
import { cccEvent, noiseEvent } from '../lib/demo/events.js'
import { createRng } from '../lib/demo/rng.js'
import { archiveKey } from '../lib/source/archive-key.js'

export interface BigArchive {
  /** Folder holding the one archive, usable as --source. */
  root: string
  key: string
  events: number
  jsonBytes: number
  gzipBytes: number
}

const DELIVERED_AT = new Date('2021-02-03T04:15:00Z')
const WINDOW_MS = 5 * 60_000
/** Distinct events a repetitive archive cycles through. */
const REPEATED_POOL = 8

/**
 * `varied`: every event drawn fresh (gzips about 15:1). `repetitive`: a small pool of events repeated
 * with only the eventId changing, the way a chatty integration fills an archive (gzips about 50:1, so a
 * few MB of gzip hold hundreds of MB of JSON).
 */
export type BigArchiveKind = 'varied' | 'repetitive'

/**
 * One ActionTrail archive of at least `megabytes` MB of JSON (70% CCC), streamed to disk so that
 * making it needs little memory; generated once into `dir` and reused.
 */
export async function bigArchive(megabytes: number, seed: number, dir: string, kind: BigArchiveKind = 'varied'): Promise<BigArchive> {
  const root = path.join(dir, `big-${megabytes}mb-s${seed}${kind === 'varied' ? '' : `-${kind}`}`)
  const marker = path.join(root, 'big.json')
  if (existsSync(marker)) return JSON.parse(await readFile(marker, 'utf8')) as BigArchive
  await rm(root, { recursive: true, force: true })
  await mkdir(root, { recursive: true })
  const temp = path.join(root, 'archive.gz.tmp')
  const written = await writeEvents(temp, megabytes * 1024 * 1024, seed, kind)
  const key = archiveKey({ region: 'cn-shanghai', deliveredAt: DELIVERED_AT, eventCount: written.events, fileSize: written.gzipBytes, md5: written.md5 })
  await mkdir(path.dirname(path.join(root, key)), { recursive: true })
  await rename(temp, path.join(root, key))
  const archive: BigArchive = { root, key, events: written.events, jsonBytes: written.jsonBytes, gzipBytes: written.gzipBytes }
  await writeFile(marker, JSON.stringify(archive, null, 2))
  return archive
}

async function writeEvents(
  file: string,
  targetBytes: number,
  seed: number,
  kind: BigArchiveKind,
): Promise<{ events: number; jsonBytes: number; gzipBytes: number; md5: string }> {
  const rng = createRng(seed)
  const gzip = createGzip()
  const md5 = createHash('md5')
  let gzipBytes = 0
  gzip.on('data', (chunk: Buffer) => {
    md5.update(chunk)
    gzipBytes += chunk.length
  })
  const out = createWriteStream(file)
  gzip.pipe(out)
  const start = DELIVERED_AT.getTime() - WINDOW_MS
  let events = 0
  let jsonBytes = 0
  const write = async (text: string) => {
    jsonBytes += Buffer.byteLength(text)
    if (!gzip.write(text)) await once(gzip, 'drain')
  }
  const draw = (time: Date) => {
    const ctx = { time, region: 'cn-shanghai' }
    return rng.chance(0.7) ? cccEvent(rng, ctx) : noiseEvent(rng, ctx)
  }
  const pool = Array.from({ length: REPEATED_POOL }, () => draw(new Date(start)))
  await write('[')
  while (jsonBytes < targetBytes) {
    // Times rise through the window as the archive fills, as in a real delivery.
    const time = new Date(start + Math.floor((Math.min(jsonBytes, targetBytes) / targetBytes) * (WINDOW_MS - 1000)))
    const event = kind === 'varied' ? draw(time) : { ...pool[events % REPEATED_POOL], eventId: `repeat-${events}` }
    await write((events++ === 0 ? '' : ',') + JSON.stringify(event))
  }
  await write(']')
  gzip.end()
  await once(out, 'finish')
  return { events, jsonBytes, gzipBytes, md5: md5.digest('hex') }
}
