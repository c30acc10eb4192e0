import { describe, expect, it } from 'vitest'
import { formatRows } from '../../lib/query/format.js'

describe('formatRows', () => {
  const rows = [
    { name: 'ListConfig', 含义: '批量获取配置', n: '3' },
    { name: 'a,"b"', 含义: null, n: '10' },
  ]

  it('aligns a table, counting wide characters as two columns', () => {
    const lines = formatRows(rows, 'table').split('\n')
    expect(lines[0]).toBe('name       | 含义         | n')
    expect(lines[2]).toBe('ListConfig | 批量获取配置 | 3')
    expect(lines.at(-1)).toBe('(2 rows)')
  })

  it('quotes CSV cells that need it and writes JSON lines', () => {
    expect(formatRows(rows, 'csv').split('\n')[2]).toBe('"a,""b""",,10')
    expect(
      formatRows(rows, 'json')
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(rows)
  })

  it('says when there are no rows', () => {
    expect(formatRows([], 'table')).toBe('(no rows)')
  })
})
