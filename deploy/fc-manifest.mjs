/**
 * What the FC code package installs: the project's production dependencies minus those no handler
 * loads. DuckDB (~70 MB of native library) serves only the CLI's `query` and `demo`; the handlers
 * convert, write and compact with pure-JavaScript Parquet code. test/deploy/fc-package.test.ts walks
 * the handlers' imports and fails if one of them ever reaches a package left out here.
 */
export const NOT_IN_FC_PACKAGE = ['@duckdb/node-api']

/**
 * package.json and package-lock.json without `names`, still in sync for `npm ci`: the root entries
 * of both lose them, and `npm ci` then leaves out every lock entry only they needed.
 */
export function withoutPackages(pkg, lock, names) {
  const drop = (deps) => (deps ? Object.fromEntries(Object.entries(deps).filter(([name]) => !names.includes(name))) : deps)
  const root = lock.packages?.['']
  return {
    pkg: { ...pkg, dependencies: drop(pkg.dependencies) },
    lock: { ...lock, packages: { ...lock.packages, '': { ...root, dependencies: drop(root?.dependencies) } } },
  }
}
