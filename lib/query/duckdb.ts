import type { DuckDBConnection } from '@duckdb/node-api'

/** The only module that knows DuckDB. SQL in, plain rows out. */
export interface Sql {
  /** Rows as JSON-safe values: BIGINT as text, timestamps as `YYYY-MM-DD HH:MM:SS[.fff]`, dates as `YYYY-MM-DD`. */
  rows(sql: string): Promise<Record<string, unknown>[]>
  /** Rows as JS values: BIGINT as bigint, timestamps as Date. */
  values(sql: string): Promise<Record<string, unknown>[]>
  columns(sql: string): Promise<{ names: string[]; types: string[] }>
  run(sql: string): Promise<void>
}

export async function withDuckDb<T>(use: (sql: Sql) => Promise<T>): Promise<T> {
  // Loaded on first use: the native library costs every CLI command ~0.2 s and ~35 MB otherwise.
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' })
  const connection = await instance.connect()
  try {
    return await use(sqlOf(connection))
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

function sqlOf(connection: DuckDBConnection): Sql {
  return {
    async rows(sql) {
      return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[]
    },
    async values(sql) {
      return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[]
    },
    async columns(sql) {
      const reader = await connection.runAndReadAll(sql)
      return { names: reader.columnNames(), types: reader.columnTypes().map((t) => t.toString()) }
    },
    async run(sql) {
      await connection.run(sql)
    },
  }
}

export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}
