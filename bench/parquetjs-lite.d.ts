// parquetjs-lite ships no types; this declares the little the benchmark writer uses.
declare module 'parquetjs-lite' {
  import type { Writable } from 'node:stream'

  export interface FieldDefinition {
    type: string
    optional?: boolean
    compression?: string
  }

  export class ParquetSchema {
    constructor(fields: Record<string, FieldDefinition>)
  }

  export class ParquetWriter {
    static openStream(schema: ParquetSchema, stream: Writable, options?: { rowGroupSize?: number }): Promise<ParquetWriter>
    appendRow(row: Record<string, unknown>): Promise<void>
    close(): Promise<void>
  }

  const parquet: { ParquetSchema: typeof ParquetSchema; ParquetWriter: typeof ParquetWriter }
  export default parquet
}
