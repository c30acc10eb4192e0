import { afterEach, expect } from 'vitest'
import type { OssServer } from './oss-server.js'

/**
 * After each test: drop the faults it injected (and a token expiry), so none reaches the next test,
 * and fail it if one never fired: then the test did not exercise the failure it names.
 */
export function resetFaultsAfterEach(server: () => OssServer): void {
  afterEach(() => {
    const left = server().pendingFaults()
    server().resetFaults()
    expect(left, 'faults injected but never hit').toEqual([])
  })
}
