import { describe, expect, it } from 'vitest'
import { putArchive } from '../../lib/demo/archive.js'
import { seedSampleEvent } from '../../lib/demo/sample-event.js'
import { findManifests, readManifest, writeManifest } from '../../lib/ledger/manifest.js'
import { processArchive } from '../../lib/pipeline.js'
import { listObjects } from '../../lib/storage/list.js'
import { readAll } from '../../lib/storage/read.js'
import { testPipeline } from '../support/pipeline.js'

/** Tables written before part file names carried the event-name tag (`part-<source hash>.parquet`). */

const oldStyle = (key: string) => key.replace(/-[0-9a-f]{8}\.parquet$/, '.parquet')

async function dataFiles(pipeline: Awaited<ReturnType<typeof testPipeline>>): Promise<string[]> {
  const keys: string[] = []
  for await (const object of listObjects(pipeline.dest, 'dt=')) keys.push(object.key)
  return keys.sort()
}

describe('part files named by an earlier release', () => {
  it('give way to the new names when the archive is converted again, through its manifest', async () => {
    const pipeline = await testPipeline()
    const key = await putArchive(pipeline.source, [seedSampleEvent(), { ...seedSampleEvent(), eventId: 'e-2', eventName: 'listconfig' }])
    await processArchive(pipeline, key)
    const current = await dataFiles(pipeline)
    expect(current).toHaveLength(2)
    // Make the table look as an earlier release left it: old-style names, in the files and the manifest.
    const [found] = await findManifests(pipeline.dest, pipeline.destPrefix, key)
    const manifest = await readManifest(pipeline.dest, found!.key)
    for (const output of manifest.outputs) {
      await pipeline.dest.put(oldStyle(output.key), await readAll(pipeline.dest, output.key))
      await pipeline.dest.delete(output.key)
      output.key = oldStyle(output.key)
    }
    await writeManifest(pipeline.dest, pipeline.destPrefix, manifest)
    expect(await dataFiles(pipeline)).toEqual(current.map(oldStyle).sort())

    expect(await processArchive(pipeline, key)).toMatchObject({ status: 'already_done' })
    expect((await processArchive(pipeline, key, { force: true })).status).toBe('written')
    expect(await dataFiles(pipeline)).toEqual(current)
  })
})
