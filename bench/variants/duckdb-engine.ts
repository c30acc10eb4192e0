import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { gunzipSync } from 'node:zlib'
import { ElementSplitter } from '../../lib/decode/splitter.js'
import { cccByteFilter } from '../../lib/normalize/prefilter.js'
import { sqlString, withDuckDb } from '../../lib/query/duckdb.js'
import { cccCopy } from '../duckdb-baseline.js'
import { archiveFiles } from '../paths.js'
import type { VariantInput, VariantOutput } from './types.js'

/**
 * A sketch of DuckDB as the engine (docs/performance.md, "What bounds it"), at its most optimistic:
 * ccc-trail's byte pre-filter picks the events that may be CCC, which DuckDB alone cannot do, and
 * hands their text to DuckDB as NDJSON; DuckDB then runs the baseline's statement on them. None of
 * the table's rules beyond the baseline's (canonical JSON, `unmapped`, exact numbers, per-event
 * quarantine) is applied, so a real engine would be slower. `duckdb-engine` runs one COPY per archive,
 * as idempotent reruns need (each archive's files are its own); `duckdb-engine-batch` one COPY for all.
 */
export function engineVariant(perArchive: boolean): (input: VariantInput) => Promise<VariantOutput> {
  return async ({ source, dest }) => {
    const started = performance.now()
    const candidates = path.join(dest, 'candidates')
    mkdirSync(candidates, { recursive: true })
    const archives = archiveFiles(source)
    for (const [i, file] of archives.entries()) writeFileSync(path.join(candidates, `${i}.ndjson`), candidateLines(file))
    const split = performance.now()
    const copy = (files: string, pattern: string) =>
      cccCopy(
        `${sqlString(files)}, format = 'newline_delimited'`,
        `${sqlString(dest)} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (dt, event_name), OVERWRITE_OR_IGNORE, FILENAME_PATTERN ${sqlString(pattern)})`,
      )
    await withDuckDb(async (sql) => {
      if (!perArchive) return sql.run(copy(path.join(candidates, '*.ndjson'), 'all_{i}'))
      for (let i = 0; i < archives.length; i++) await sql.run(copy(path.join(candidates, `${i}.ndjson`), `a${i}_{i}`))
    })
    // gunzip, split and pre-filter on one thread, then DuckDB (its start included) on two.
    return { phases: { candidates: (split - started) / 1000, duckdb: (performance.now() - split) / 1000 } }
  }
}

/** The archive's events that may be CCC, one per line. */
function candidateLines(file: string): string {
  const lines: string[] = []
  const splitter = new ElementSplitter(
    (element) => {
      if ('text' in element) lines.push(element.text)
    },
    64 << 20,
    cccByteFilter(),
  )
  splitter.push(gunzipSync(readFileSync(file)))
  splitter.finish()
  return lines.join('\n')
}

export const run = engineVariant(true)
