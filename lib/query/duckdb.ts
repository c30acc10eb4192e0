import { createRequire } from 'node:module'
import type { DuckDBConnection } from '@duckdb/node-api'
import { withExactNumbers } from './json-numbers.js'

/** The only module that knows DuckDB. SQL in, plain rows out. */
export interface Sql {
  /** Rows as JSON-safe values: BIGINT as text, timestamps as `YYYY-MM-DD HH:MM:SS[.fff]`, dates as `YYYY-MM-DD`. */
  rows(sql: string): Promise<Record<string, unknown>[]>
  /** Rows as JS values: BIGINT as bigint, timestamps as Date. */
  values(sql: string): Promise<Record<string, unknown>[]>
  /** As `rows`, except integers and decimals that a JSON reader gets back exactly are numbers (json-numbers.ts). */
  jsonRows(sql: string): Promise<Record<string, unknown>[]>
  columns(sql: string): Promise<{ names: string[]; types: string[] }>
  run(sql: string): Promise<void>
  /**
   * DuckDB's parse tree of the statements (`json_serialize_sql`: their `statements`), without running
   * them; undefined for statements it cannot serialize (anything but SELECT). SqlError when the text
   * does not parse.
   */
  parse(sql: string): Promise<unknown>
}

export interface DuckDbOptions {
  /**
   * DuckDB's `memory_limit` (its default is 80 % of the machine's memory); beyond it DuckDB writes what it can
   * (temporary tables, sorts, hash tables) to `spillDirectory` instead of growing.
   */
  memoryLimitMb?: number
  /** Where DuckDB spills beyond `memoryLimitMb`; the caller makes it and removes it after `close()`. */
  spillDirectory?: string
}

export async function withDuckDb<T>(use: (sql: Sql) => Promise<T>, options: DuckDbOptions = {}): Promise<T> {
  const db = await openDuckDb(options)
  try {
    return await use(db)
  } finally {
    db.close()
  }
}

/** An in-memory DuckDB kept open across uses until `close()`; `withDuckDb` is one for a single use. */
export async function openDuckDb(options: DuckDbOptions = {}): Promise<Sql & { close(): void }> {
  // Loaded on first use: the native library costs every CLI command ~0.2 s and ~35 MB otherwise. Required, not
  // imported: an ESM import of this CommonJS package has node scan every one of its modules for their exports
  // first (~0.5 CPU-s, against ~0.15 for require).
  const { DuckDBInstance } = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api')
  const instance = await DuckDBInstance.create(':memory:', {
    threads: '2',
    ...(options.memoryLimitMb !== undefined && { memory_limit: `${options.memoryLimitMb}MB` }),
    ...(options.spillDirectory !== undefined && { temp_directory: options.spillDirectory }),
  })
  const connection = await instance.connect()
  return {
    ...sqlOf(connection),
    close() {
      connection.closeSync()
      instance.closeSync()
    },
  }
}

/**
 * `reader()`'s statements, each run once more when it fails and `recover(error, failed)` (given the reader it
 * failed on) says the failure is mended; the second run's failure is the caller's. Parsing is not retried.
 */
export function retryingSql(reader: () => Sql, recover: (error: unknown, failed: Sql) => Promise<boolean>): Sql {
  const again =
    <A extends unknown[], R>(method: (sql: Sql) => (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const failed = reader()
      try {
        return await method(failed)(...args)
      } catch (error) {
        if (!(await recover(error, failed))) throw error
        return method(reader())(...args)
      }
    }
  return {
    rows: again((sql) => sql.rows),
    values: again((sql) => sql.values),
    jsonRows: again((sql) => sql.jsonRows),
    columns: again((sql) => sql.columns),
    run: again((sql) => sql.run),
    parse: (text) => reader().parse(text),
  }
}

/**
 * The SQL itself is wrong (unknown column or table, syntax, a value that cannot be cast): running it
 * again cannot help. DuckDB's message is kept as it is.
 */
export class SqlError extends Error {
  override name = 'SqlError'
}

// DuckDB names the kind of error first; these kinds are about the statement, not the files or the machine.
const STATEMENT_ERROR = /^(Parser|Binder|Catalog|Conversion|Out of Range|Invalid Input|Not implemented|Syntax) Error:/

async function statement<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw error instanceof Error && STATEMENT_ERROR.test(error.message) ? new SqlError(error.message, { cause: error }) : error
  }
}

function sqlOf(connection: DuckDBConnection): Sql {
  const read = (sql: string) => statement(() => connection.runAndReadAll(sql))
  return {
    async rows(sql) {
      return (await read(sql)).getRowObjectsJson() as Record<string, unknown>[]
    },
    async values(sql) {
      return (await read(sql)).getRowObjectsJS() as Record<string, unknown>[]
    },
    async jsonRows(sql) {
      const reader = await read(sql)
      const columns = reader.columnNames().map((name, i) => ({ name, type: reader.columnTypes()[i]!.toString() }))
      return withExactNumbers(reader.getRowObjectsJson() as Record<string, unknown>[], columns)
    },
    async columns(sql) {
      const reader = await read(sql)
      return { names: reader.columnNames(), types: reader.columnTypes().map((t) => t.toString()) }
    },
    async run(sql) {
      await statement(() => connection.run(sql))
    },
    async parse(sql) {
      const reader = await connection.runAndReadAll(`SELECT json_serialize_sql(${sqlString(sql)}) AS tree`)
      const tree = JSON.parse(String(reader.getRowObjectsJson()[0]?.tree)) as {
        error?: boolean
        error_type?: string
        error_message?: string
        statements?: unknown
      }
      if (tree.error && tree.error_type === 'parser') throw new SqlError(`Parser Error: ${tree.error_message}`)
      return tree.error ? undefined : tree.statements
    },
  }
}

export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}
