import { rm } from 'node:fs/promises'
import path from 'node:path'
import { writeCatalog } from '../../lib/catalog/write-catalog.js'
import { putArchive } from '../../lib/demo/archive.js'
import { type CorpusOptions, generateCorpus } from '../../lib/demo/corpus.js'
import { cccEvent, type DemoEvent } from '../../lib/demo/events.js'
import { createRng } from '../../lib/demo/rng.js'
import { CATALOG_KEY } from '../../lib/layout.js'
import { processArchives } from '../../lib/run-archives.js'
import { listArchiveTree } from '../../lib/source/list-archives.js'
import { testPipeline } from './pipeline.js'

const rng = createRng(7)

/** A CCC event named `name` at `time` (ISO, UTC), succeeded unless `overrides` says otherwise. */
export function event(name: string, time: string, overrides: DemoEvent = {}): DemoEvent {
  const made = cccEvent(rng, { time: new Date(time), region: 'cn-shanghai', name })
  delete made.errorCode
  delete made.errorMessage
  return { ...made, ...overrides }
}

/** Who made a call, as ActionTrail writes it. */
export function ramUser(userName: string, accessKeyId: string, principalId = '2' + accessKeyId.length + '0000000001'): DemoEvent {
  return { type: 'ram-user', accountId: '1059804828509', principalId, userName, accessKeyId, sessionContext: { attributes: { mfaAuthenticated: 'false' } } }
}

export interface LakeOptions {
  corpus?: CorpusOptions
  events?: DemoEvent[]
  catalog?: boolean
}

/** A table folder processed by the real pipeline from a generated corpus and/or hand-made events. */
export async function buildLake(options: LakeOptions): Promise<string> {
  const pipeline = await testPipeline()
  if (options.corpus) await generateCorpus(pipeline.source, options.corpus)
  if (options.events?.length) await putArchive(pipeline.source, options.events, { deliveredAt: new Date('2021-02-04T00:00:00Z') })
  const keys: string[] = []
  for await (const listed of listArchiveTree(pipeline.source, '')) keys.push(listed.key)
  await processArchives(pipeline, keys, { concurrency: 2 })
  if (options.catalog !== false) await writeCatalog(pipeline.dest, '')
  else await rm(path.join(pipeline.destRoot, CATALOG_KEY), { force: true })
  return pipeline.destRoot
}

const MALLORY = ramUser('mallory', 'LTAI5tMaLL0ryKeyNew0001')
export const MALLORY_IP = '198.51.100.7'
export const RESOURCES = { 'ACS::CCC::User': ['user-4711'] }

/** What an intruder does on 2021-02-03 (UTC): a burst of refused record pulls, a new agent, a download at night. */
export function intrusion(): DemoEvent[] {
  const as = { userIdentity: MALLORY, sourceIpAddress: MALLORY_IP }
  const refused = Array.from({ length: 12 }, (_, i) =>
    event('ListCallDetailRecords', `2021-02-03T06:${String(i * 2).padStart(2, '0')}:00Z`, {
      ...as,
      errorCode: 'Forbidden.NoPermission',
      errorMessage: 'You are not authorized to operate on the specified resource.',
    }),
  )
  return [
    ...refused,
    event('CreateUser', '2021-02-03T02:00:00Z', {
      ...as,
      requestParameters: { InstanceId: 'ccc-test-7f3a', LoginName: 'backdoor', RoleId: 'Admin' },
      referencedResources: RESOURCES,
    }),
    event('DownloadRecording', '2021-02-03T19:30:00Z', { ...as, requestParameters: { InstanceId: 'ccc-test-7f3a', FileName: 'call.wav' } }),
  ]
}
