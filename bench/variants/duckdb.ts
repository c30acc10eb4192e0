import { withDuckDb } from '../../lib/query/duckdb.js'
import { duckdbStatement } from '../duckdb-baseline.js'
import type { VariantInput, VariantOutput } from './types.js'

export async function run({ source, dest }: VariantInput): Promise<VariantOutput> {
  await withDuckDb((sql) => sql.run(duckdbStatement(source, dest)))
  return {}
}
