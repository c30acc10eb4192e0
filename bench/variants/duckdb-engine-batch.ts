import { engineVariant } from './duckdb-engine.js'

/** The DuckDB engine sketch with one COPY over every archive's candidates (see duckdb-engine.ts). */
export const run = engineVariant(false)
