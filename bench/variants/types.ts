export interface VariantInput {
  source: string
  dest: string
  /** The command line of the `ccc-trail-cli` variant. */
  args?: string[]
}

/** What a variant reports besides time and memory, which the child measures around it. */
export interface VariantOutput {
  /** CCC events counted, when the variant writes no table (the floor). */
  cccEvents?: number
  /** Seconds of each phase of the variant's own work, when it reports them (the DuckDB engine sketches). */
  phases?: Record<string, number>
}

/** Each variant is its own module (file name in bench/variants/), so a child loads only what its variant needs. */
export const VARIANT_MODULES: Record<string, string> = {
  floor: 'floor.js',
  duckdb: 'duckdb.js',
  'ccc-trail': 'ccc-trail.js',
  'ccc-trail+parquetjs-lite': 'ccc-trail-parquetjs.js',
  'duckdb-engine': 'duckdb-engine.js',
  'duckdb-engine-batch': 'duckdb-engine-batch.js',
  'ccc-trail-cli': 'ccc-trail-cli.js',
  'duckdb-raw-query': 'duckdb-raw-query.js',
}
