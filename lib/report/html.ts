import type { Row } from './chart-specs.js'
import type { ReportSection, ReportTable, TableColumn } from './model.js'

export interface PageHeader {
  location: string
  from: string
  to: string
  generatedAt: string
  workHours: string
  notes: string[]
}

/** One self-contained page: inline CSS and SVG, no script, no external reference. */
export function renderPage(header: PageHeader, sections: ReportSection[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CCC audit report ${esc(header.from)} to ${esc(header.to)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="page">
  <p class="kicker">Cloud Call Center · ActionTrail</p>
  <h1>CCC audit report <span class="zh">呼叫中心审计报告</span></h1>
  <p class="period">${esc(header.from)} – ${esc(header.to)}</p>
  <dl class="meta">
    <div><dt>table</dt><dd><code>${esc(header.location)}</code></dd></div>
    <div><dt>working hours</dt><dd>${esc(header.workHours)}</dd></div>
    <div><dt>generated</dt><dd>${esc(header.generatedAt)}</dd></div>
  </dl>
  ${header.notes.map((note) => `<p class="note">${esc(note)}</p>`).join('\n  ')}
  <nav><ol>${sections.map((s) => `<li><a href="#${s.id}">${esc(s.title)}</a> <span class="zh">${esc(s.titleZh)}</span></li>`).join('')}</ol></nav>
</header>
<main>
${sections.map(renderSection).join('\n')}
</main>
<footer>Days are the table's <code>dt</code> partitions; times are shown in the working-hours time zone. Each section's SQL runs as is with <code>ccc-trail query --dest &lt;table&gt; "&lt;SQL&gt;"</code>.</footer>
</body>
</html>
`
}

function renderSection(section: ReportSection): string {
  return `<section id="${section.id}" class="report-section">
<h2>${esc(section.title)} <span class="zh">${esc(section.titleZh)}</span></h2>
<p class="intro">${esc(section.intro)}</p>
<div class="figures">${section.figures.map((f) => `<div class="figure${f.alert ? ' alert' : ''}"><div class="value">${esc(f.value)}</div><div class="label">${esc(f.label)}</div></div>`).join('')}</div>
${section.charts.map((c) => `<figure class="chart"><figcaption>${esc(c.title)}</figcaption>${c.svg}</figure>`).join('\n')}
${section.tables.map(renderTable).join('\n')}
<details class="sql"><summary>SQL behind this section (${section.queries.length} ${section.queries.length === 1 ? 'query' : 'queries'})</summary>
${section.queries.map((q) => `<h4>${esc(q.label)}</h4><pre><code>${esc(q.sql)}</code></pre>`).join('\n')}
</details>
</section>`
}

function renderTable(table: ReportTable): string {
  const shown =
    table.total !== undefined
      ? ` <span class="count">first ${table.rows.length} of ${table.total.toLocaleString('en-US')}</span>`
      : table.rows.length
        ? ` <span class="count">${table.rows.length}</span>`
        : ''
  if (table.rows.length === 0) return `<h3>${esc(table.caption)}</h3><p class="empty">${esc(table.empty)}</p>`
  return `<h3>${esc(table.caption)}${shown}</h3>
<div class="table-wrap"><table>
<thead><tr>${table.columns.map((c) => `<th class="${classes(c)}">${esc(c.title)}</th>`).join('')}</tr></thead>
<tbody>
${table.rows.map((row) => `<tr>${table.columns.map((c) => `<td class="${classes(c)}">${cell(c, row)}</td>`).join('')}</tr>`).join('\n')}
</tbody>
</table></div>`
}

function classes(column: TableColumn): string {
  return (column.kind ?? 'text') + (column.wide ? ' wide' : '')
}

function cell(column: TableColumn, row: Row): string {
  const value = row[column.key]
  switch (column.kind) {
    case 'api': {
      const meanings = [row.meaning_en, row.meaning_zh].filter((m) => m !== null && m !== undefined && m !== '').map(String)
      return `<span class="api">${esc(text(value))}</span>${meanings.length ? `<span class="meaning">${esc(meanings.join(' · '))}</span>` : '<span class="meaning">not in the API catalog</span>'}`
    }
    case 'number':
      return esc(Number(value ?? 0).toLocaleString('en-US'))
    case 'result':
      return value === 'OK' ? '<span class="tag ok">OK</span>' : `<span class="tag error">${esc(text(value))}</span>`
    case 'flag':
      return value === true ? '<span class="tag flag">sensitive</span>' : ''
    case 'code':
      return value === null || value === undefined || value === '' ? '<span class="none">–</span>' : `<code>${esc(text(value))}</code>`
    default:
      return esc(text(value))
  }
}

function text(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

const STYLE = `
:root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --soft: #f5f7fa; --accent: #3e6fb0; --alert: #c8372d; --ok: #2f9e72; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 14px/1.5 "Segoe UI", "Helvetica Neue", Arial, "PingFang SC", "Microsoft YaHei", sans-serif; }
header.page, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 28px; }
header.page { padding-top: 32px; padding-bottom: 8px; border-bottom: 3px solid var(--accent); }
.kicker { margin: 0; color: var(--accent); font-size: 12px; letter-spacing: .08em; text-transform: uppercase; font-weight: 600; }
h1 { margin: 4px 0 0; font-size: 28px; }
.period { margin: 2px 0 12px; font-size: 18px; color: var(--muted); }
.zh { color: var(--muted); font-weight: normal; margin-left: .35em; }
dl.meta { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0 0 10px; }
dl.meta div { display: flex; gap: 8px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.note { background: #fff8e6; border-left: 3px solid #d9822b; padding: 6px 10px; margin: 8px 0; }
nav ol { display: flex; flex-wrap: wrap; gap: 4px 22px; padding: 0; margin: 10px 0 6px; list-style: none; counter-reset: s; }
nav li { counter-increment: s; }
nav li::before { content: counter(s) ". "; color: var(--muted); }
nav a { color: var(--accent); text-decoration: none; font-weight: 600; }
section.report-section { padding: 22px 0 18px; border-bottom: 1px solid var(--line); }
h2 { font-size: 21px; margin: 0 0 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
h3 .count { color: var(--muted); font-weight: normal; font-size: 12px; margin-left: 6px; }
h4 { margin: 10px 0 2px; font-size: 12px; color: var(--muted); font-weight: 600; }
.intro { margin: 0 0 12px; color: var(--muted); max-width: 820px; }
.figures { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0 14px; }
.figure { min-width: 130px; padding: 8px 14px; background: var(--soft); border-radius: 6px; border-top: 3px solid var(--accent); }
.figure.alert { border-top-color: var(--alert); }
.figure .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.figure .label { color: var(--muted); font-size: 12px; }
figure.chart { margin: 10px 0 6px; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th { text-align: left; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); padding: 5px 8px; white-space: nowrap; }
td { border-bottom: 1px solid var(--line); padding: 5px 8px; vertical-align: top; }
tbody tr:nth-child(even) td { background: #fafbfc; }
th.number, td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.code code { font: 12px/1.4 ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
td.code { max-width: 300px; }
td.wide { min-width: 300px; max-width: 420px; }
td.api { min-width: 190px; }
.api { display: block; font-weight: 600; }
.meaning { display: block; color: var(--muted); font-size: 12px; }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 11.5px; font-weight: 600; white-space: nowrap; }
.tag.ok { color: var(--ok); background: #e6f4ee; }
.tag.error { color: var(--alert); background: #fbeae8; }
.tag.flag { color: #8a4b08; background: #fdf0e0; }
.none { color: #9aa5b1; }
.empty { color: var(--muted); font-style: italic; margin: 4px 0; }
details.sql { margin-top: 14px; }
details.sql summary { cursor: pointer; color: var(--accent); font-weight: 600; }
details.sql pre { background: var(--soft); padding: 10px 12px; border-radius: 6px; overflow-x: auto; font-size: 11.5px; line-height: 1.45; }
footer { color: var(--muted); font-size: 12px; padding-top: 14px; padding-bottom: 32px; }
@media print {
  body { font-size: 11px; }
  header.page, main, footer { max-width: none; padding: 0; }
  nav, details.sql { display: none; }
  section.report-section { break-before: page; }
  figure.chart, .figures, tr { break-inside: avoid; }
  .table-wrap { overflow: visible; }
}
@page { margin: 14mm 12mm; }
`
