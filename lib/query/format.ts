export type OutputFormat = 'table' | 'json' | 'csv'

export function formatRows(rows: Record<string, unknown>[], format: OutputFormat): string {
  if (format === 'json') return rows.map((row) => JSON.stringify(row)).join('\n')
  const columns = rows.length ? Object.keys(rows[0]) : []
  if (format === 'csv') return [columns.map(csvCell).join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))].join('\n')
  return table(columns, rows)
}

function text(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

function csvCell(value: unknown): string {
  const cell = text(value)
  return /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell
}

function table(columns: string[], rows: Record<string, unknown>[]): string {
  if (columns.length === 0) return '(no rows)'
  const cells = rows.map((row) => columns.map((c) => text(row[c]).replace(/\s+/g, ' ')))
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((r) => r[i].length))))
  const line = (values: string[]) => values.map((v, i) => (v.length > widths[i] ? v.slice(0, widths[i] - 1) + '…' : v.padEnd(widths[i]))).join(' | ').trimEnd()
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n')
}
