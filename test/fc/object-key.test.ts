import { describe, expect, it } from 'vitest'
import { resolveObjectKey } from '../../lib/fc/object-key.js'

const archive = 'AliyunLogs/Actiontrail/cn-shanghai/2021/02/03/Actiontrail_cn-shanghai_20210203041500_1002_2_1234_0123456789abcdef0123456789abcdef.gz'

describe('resolveObjectKey', () => {
  it('uses keys verbatim, as FC delivers them', () => {
    expect(resolveObjectKey(archive, '')).toEqual({ key: archive, decoded: false })
    expect(resolveObjectKey(`trail/${archive}`, 'trail/')).toEqual({ key: `trail/${archive}`, decoded: false })
  })

  it('decodes a percent-encoded key when only the decoded form is an archive under the source prefix', () => {
    expect(resolveObjectKey(`ccc%20trail/${archive}`, 'ccc trail/')).toEqual({ key: `ccc trail/${archive}`, decoded: true })
    expect(resolveObjectKey(encodeURIComponent(`trail/${archive}`), 'trail/')).toEqual({ key: `trail/${archive}`, decoded: true })
  })

  it('keeps a literal % when the literal key is the better match, and malformed escapes as they are', () => {
    expect(resolveObjectKey(`100%25/${archive}`, '100%25/')).toEqual({ key: `100%25/${archive}`, decoded: false })
    expect(resolveObjectKey(`bad%zz%E0%A4%A/${archive}`, '')).toEqual({ key: `bad%zz%E0%A4%A/${archive}`, decoded: false })
    expect(resolveObjectKey('a+b%2Fc.txt', '')).toEqual({ key: 'a+b%2Fc.txt', decoded: false })
  })
})
