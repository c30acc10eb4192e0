import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../lib/log.js'
import { type Pipeline, processArchive } from '../../lib/pipeline.js'
import { listQuarantine, type QuarantineRecord } from '../../lib/quarantine.js'
import { archiveKey } from '../../lib/source/archive-key.js'
import { FsStorage } from '../../lib/storage/fs.js'
import { type ArchiveSpec, archiveBytes, archiveSpec } from '../support/archive-specs.js'
import { queryTable } from '../support/duck.js'
import { expectAccounted, TEST_OPTIONS } from '../support/pipeline.js'
import { tempDir } from '../support/temp.js'
import { FUZZ } from './settings.js'

const DEST_PREFIX = 'table/'
const DATA_FILE = /^table\/dt=\d{4}-\d{2}-\d{2}\/event_name=(?!\.\.?\/)[^/]+\/part-[0-9a-f]+-[0-9a-f]{8}\.parquet$/

/** Every file under `root`, relative, with a digest of its bytes. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    files.set(
      path.relative(root, file).split(path.sep).join('/'),
      createHash('sha1')
        .update(await readFile(file))
        .digest('hex'),
    )
  }
  return files
}

/** Processes one fuzzed archive from a folder bucket (the CLI's path) and checks every promise the pipeline makes. */
async function checkArchive(spec: ArchiveSpec): Promise<void> {
  const root = await tempDir('ccc-fuzz')
  const source = new FsStorage(path.join(root, 'source'))
  const destRoot = path.join(root, 'dest')
  const body = archiveBytes(spec)
  const key = archiveKey({
    region: 'cn-shanghai',
    deliveredAt: new Date('2021-02-03T04:15:00Z'),
    eventCount: spec.events.length,
    fileSize: body.length,
    md5: createHash('md5').update(body).digest('hex'),
  })
  await source.put(key, body)
  const pipeline: Pipeline = { source, dest: new FsStorage(destRoot), destPrefix: DEST_PREFIX, log: silentLogger, options: TEST_OPTIONS }

  const result = await processArchive(pipeline, key) // no throw: storage here never fails
  expect(['written', 'quarantined']).toContain(result.status)
  expectAccounted(result)
  if (result.status === 'written') expect(result.counts.events).toBe(spec.events.length)
  if (result.status === 'quarantined') expect(result.reason).toMatch(/\S/)
  let quarantine: QuarantineRecord | undefined
  for await (const { record } of listQuarantine(pipeline.dest, DEST_PREFIX)) quarantine = record
  if (result.counts.quarantined > 0) expect(quarantine?.counts).toEqual(result.counts)
  if (quarantine?.scope === 'events') expect(quarantine.events).toHaveLength(result.counts.quarantined)

  const files = await snapshot(destRoot)
  for (const file of files.keys()) expect(file.startsWith(DEST_PREFIX), file).toBe(true)
  const data = [...files.keys()].filter((f) => f.endsWith('.parquet'))
  for (const file of data) expect(file).toMatch(DATA_FILE)
  expect(data).toHaveLength(result.files)
  if (data.length > 0) {
    const [{ n }] = await queryTable(path.join(destRoot, DEST_PREFIX), 'SELECT count(*)::INTEGER AS n FROM ccc_events')
    expect(n).toBe(result.counts.rows)
  }

  const again = await processArchive(pipeline, key)
  expect(again.status).toBe('already_done')
  expect(await snapshot(destRoot)).toEqual(files)
}

describe('fuzzed archives through the pipeline', () => {
  it(
    `every archive ends written or quarantined, accounted, readable by DuckDB, inside the destination, unchanged by a rerun (seed ${FUZZ.seed})`,
    async () => {
      const pipelineFuzz = FUZZ.counted('pipeline', checkArchive)
      await fc.assert(fc.asyncProperty(archiveSpec, pipelineFuzz.check), FUZZ.parameters(60))
      pipelineFuzz.report()
    },
    FUZZ.testTimeout,
  )
})
