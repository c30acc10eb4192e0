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
  const widths = columns.map((c, i) => Math.min(60, Math.max(width(c), ...cells.map((r) => width(r[i])))))
  const line = (values: string[]) =>
    values
      .map((v, i) => padCell(v, widths[i]))
      .join(' | ')
      .trimEnd()
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n')
}

// East Asian wide characters take two terminal columns.
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/

function width(text: string): number {
  let columns = 0
  for (const char of text) columns += WIDE.test(char) ? 2 : 1
  return columns
}

function padCell(text: string, columns: number): string {
  if (width(text) <= columns) return text + ' '.repeat(columns - width(text))
  let kept = ''
  for (const char of text) {
    if (width(kept + char) > columns - 1) break
    kept += char
  }
  return kept + '…' + ' '.repeat(columns - 1 - width(kept))
}
