import { UsageError } from '../errors.js'
/** Text helpers shared by the DDL generators. */

export function quoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}

const QUALIFIED_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$/

/** A table name, optionally qualified (`schema.table`, `catalog.schema.table`). Throws a UsageError otherwise. */
export function checkedTableName(name: string): string {
  if (!QUALIFIED_NAME.test(name)) throw new UsageError(`table name "${name}" must be letters, digits and _ (optionally schema.table)`)
  return name
}

/** The location as a folder URI ending with exactly one `/`. */
export function folderUri(location: string): string {
  return location.replace(/\/+$/, '') + '/'
}

/** Lines of a column list, aligned, comma separated. */
export function columnLines(columns: readonly string[][], indent = '  '): string {
  const width = Math.max(...columns.map((c) => c[0].length))
  return columns.map((parts, i) => `${indent}${[parts[0].padEnd(width), ...parts.slice(1)].join(' ')}${i < columns.length - 1 ? ',' : ''}`).join('\n')
}
