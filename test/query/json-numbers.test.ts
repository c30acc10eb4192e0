import { describe, expect, it } from 'vitest'
import { exactDecimal, exactInteger, withExactNumbers } from '../../lib/query/json-numbers.js'

describe('JSON numbers that a double-parsing reader gets back exactly', () => {
  it('turns integers within ±(2^53 - 1) into numbers and keeps larger ones as text', () => {
    expect(exactInteger('0')).toBe(0)
    expect(exactInteger('-42')).toBe(-42)
    expect(exactInteger('9007199254740991')).toBe(9007199254740991)
    expect(exactInteger('-9007199254740991')).toBe(-9007199254740991)
    expect(exactInteger('9007199254740992')).toBe('9007199254740992')
    expect(exactInteger('9007199254740993')).toBe('9007199254740993')
    expect(exactInteger('1152921504606846976')).toBe('1152921504606846976')
    expect(exactInteger('170141183460469231731687303715884105727')).toBe('170141183460469231731687303715884105727')
  })

  it('turns decimals into numbers only when the double prints back as the same value', () => {
    expect(exactDecimal('12.5')).toBe(12.5)
    expect(exactDecimal('1.2500000000')).toBe(1.25)
    expect(exactDecimal('-0.1')).toBe(-0.1)
    expect(exactDecimal('0.0')).toBe(0)
    expect(exactDecimal('123456789012.345')).toBe(123456789012.345)
    expect(exactDecimal('1234567890123456.78')).toBe('1234567890123456.78')
    expect(exactDecimal('0.12345678901234567890')).toBe('0.12345678901234567890')
    expect(exactDecimal('123456789012345678.5')).toBe('123456789012345678.5')
    expect(exactDecimal('100000000000000000000.0')).toBe(1e20) // 10^20 is a double exactly
  })

  it('leaves NULL, non-numeric columns and text that is not a plain number alone', () => {
    const rows = [{ id: '7', name: '12', pct: '33.3', big: '9007199254740993', nothing: null, ratio: 0.5 }]
    const columns = [
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'pct', type: 'DECIMAL(4,1)' },
      { name: 'big', type: 'HUGEINT' },
      { name: 'nothing', type: 'BIGINT' },
      { name: 'ratio', type: 'DOUBLE' },
    ]
    expect(withExactNumbers(rows, columns)).toEqual([{ id: 7, name: '12', pct: 33.3, big: '9007199254740993', nothing: null, ratio: 0.5 }])
    expect(exactInteger('NaN')).toBe('NaN')
    expect(exactDecimal('1e5')).toBe('1e5')
  })
})
