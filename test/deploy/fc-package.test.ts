import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { NOT_IN_FC_PACKAGE, withoutPackages } from '../../deploy/fc-manifest.mjs'
import { moduleGraph } from '../support/module-graph.js'

/** The FC code package (deploy/package-fc.mjs) leaves DuckDB out: no handler may ever need it. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const HANDLERS = ['dead-letter', 'oss-trigger', 'backfill', 'compact']
/** Every package a handler's module graph can load (static imports, re-exports and literal dynamic imports). */
const packagesReached = (entry: string) => moduleGraph(entry).packages

describe('the FC code package', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dependencies?: Record<string, string> }> }
  const fc = withoutPackages(pkg, lock, NOT_IN_FC_PACKAGE)

  it.each(HANDLERS)('holds every package that %s loads, and none it leaves out', (name) => {
    const entry = path.join(root, 'functions', `${name}.ts`)
    expect(existsSync(entry)).toBe(true)
    const reached = [...packagesReached(entry)]
    expect(reached.length, 'the walk finds the SDKs the handler uses').toBeGreaterThan(0)
    expect(
      reached.filter((p) => NOT_IN_FC_PACKAGE.includes(p)),
      `${name} must not load a package the FC package leaves out`,
    ).toEqual([])
    expect(
      reached.filter((p) => !(p in fc.pkg.dependencies)),
      `${name} loads packages that are not production dependencies`,
    ).toEqual([])
  })

  it('sees a package reached only through a dynamic import (the walk itself can fail)', () => {
    expect(packagesReached(path.join(root, 'lib', 'query', 'duckdb.ts'))).toContain('@duckdb/node-api')
  })

  it('sees the SDKs loaded on first use through createRequire', () => {
    expect(packagesReached(path.join(root, 'lib', 'storage', 'oss.ts'))).toContain('ali-oss')
    expect([...packagesReached(path.join(root, 'lib', 'fc', 'invoker.ts'))].sort()).toEqual([
      '@alicloud/fc20230330',
      '@alicloud/openapi-client',
      '@alicloud/tea-util',
    ])
  })

  it('leaves DuckDB out of package.json and the lock root alike, so that npm ci accepts them', () => {
    expect(NOT_IN_FC_PACKAGE).toEqual(['@duckdb/node-api'])
    expect(Object.keys(fc.pkg.dependencies).sort()).toEqual(
      Object.keys(pkg.dependencies)
        .filter((p) => p !== '@duckdb/node-api')
        .sort(),
    )
    expect(fc.lock.packages['']!.dependencies).toEqual(fc.pkg.dependencies)
    expect(fc.lock.packages['node_modules/@duckdb/node-api'], 'the entry stays; npm ci prunes what no root needs').toBeDefined()
    expect(pkg.dependencies['@duckdb/node-api'], 'the project itself keeps DuckDB for the CLI').toBeDefined()
  })
})
