import { rm } from 'node:fs/promises'
import path from 'node:path'
import { writeCatalog } from '../../catalog/write-catalog.js'
import { loadConfig } from '../../config.js'
import { generateCorpus } from '../../demo/corpus.js'
import { createPipeline } from '../../pipeline-from-config.js'
import { withDuckDb } from '../../query/duckdb.js'
import { formatRows } from '../../query/format.js'
import { createViews } from '../../query/views.js'
import { writeReport } from '../../report/write-report.js'
import { processArchives } from '../../run-archives.js'
import { listArchiveTree } from '../../source/list-archives.js'
import { locationOpener } from '../../storage/open.js'
import { type Command, EXIT } from '../command.js'
import { intFlag } from '../flags.js'
import { outcomeLine, summaryLines } from '../report.js'

const SUMMARY_SQL = `
SELECT e.dt, e.event_name, c.meaning_en AS meaning, c.meaning_zh AS 含义, count(*) AS events
FROM ccc_events e
LEFT JOIN (SELECT event_name, any_value(meaning_en) AS meaning_en, any_value(meaning_zh) AS meaning_zh FROM ccc_api_catalog GROUP BY 1) c USING (event_name)
GROUP BY ALL ORDER BY e.dt, events DESC, e.event_name`

/** What `ccc-trail demo` does; its name, summary and options are in ./index.ts, which loads this on use. */
export const action: Pick<Command, 'run'> = {
  async run(input) {
    const dir = path.resolve((input.values.dir as string | undefined) ?? 'demo')
    const bucket = path.join(dir, 'bucket')
    const lake = path.join(dir, 'lake')
    await rm(bucket, { recursive: true, force: true })
    await rm(lake, { recursive: true, force: true })
    const config = loadConfig(input.env, { SOURCE: bucket, DEST: lake })
    const open = locationOpener(config.oss)
    const source = open(config.source!)
    const dest = open(config.dest)

    const corpus = await generateCorpus(source.storage, {
      seed: intFlag(input, 'seed', 1),
      startDate: '2021-02-01',
      days: intFlag(input, 'days', 3),
      archivesPerDay: 24,
      eventsPerArchive: 60,
      forms: ['array', 'ndjson', 'records'],
      brokenArchives: 1,
      regions: ['cn-shanghai', 'cn-beijing'],
    })
    input.out(`Generated ${corpus.archives} ActionTrail archives (${corpus.events} events, ${corpus.cccEvents} of them CCC, 1 broken on purpose) in ${bucket}`)
    await source.storage.put('AliyunLogs/Actiontrail/README.txt', 'not an archive: the pipeline skips and counts it\n')

    const keys: string[] = []
    for await (const listed of listArchiveTree(source.storage, '')) keys.push(listed.key)
    const pipeline = createPipeline(config, source, dest, input.log)
    const summary = await processArchives(pipeline, keys, {
      concurrency: 4,
      onOutcome: (outcome) => {
        if (outcome.status !== 'written') input.out(outcomeLine(outcome))
      },
    })
    await writeCatalog(dest.storage, dest.prefix)
    input.out(`Processed into ${lake}:`)
    for (const line of summaryLines(summary)) input.out('  ' + line)

    const rows = await withDuckDb(async (db) => {
      return (await createViews(db, lake)).rows(SUMMARY_SQL)
    })
    input.out('\nCCC events per day and API (ccc_events joined with ccc_api_catalog):')
    input.out(formatRows(rows, 'table'))
    input.out(
      `\nTry: npx ccc-trail query --dest ${path.relative(process.cwd(), lake) || '.'} "select event_name, count(*) from ccc_events group by 1 order by 2 desc"`,
    )
    input.out(`Quarantined archives are described in ${path.join(lake, '_quarantine')}`)
    const report = path.join(dir, 'report.html')
    await writeReport(config, report)
    input.out(`Audit report (open it in a browser): ${report}`)
    return summary.failed > 0 ? EXIT.failed : EXIT.ok
  },
}
