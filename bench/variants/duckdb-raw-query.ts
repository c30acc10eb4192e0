import { withDuckDb } from '../../lib/query/duckdb.js'
import { rawCountByEventName } from '../duckdb-baseline.js'
import type { VariantInput, VariantOutput } from './types.js'

/** DuckDB counting CCC events by name straight from the archives under `source`: no table at all. */
export async function run({ source }: VariantInput): Promise<VariantOutput> {
  const rows = await withDuckDb((sql) => sql.rows(rawCountByEventName(source)))
  return { cccEvents: rows.reduce((total, row) => total + Number(row.n), 0) }
}
