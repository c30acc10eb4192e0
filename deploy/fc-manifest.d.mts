/** Types of fc-manifest.mjs (a plain script, so that deploying needs no TypeScript build of it). */
interface Manifest {
  dependencies: Record<string, string>
}
interface Lock {
  packages: Record<string, { dependencies?: Record<string, string> }>
}
export declare const NOT_IN_FC_PACKAGE: string[]
export declare function withoutPackages<P extends Manifest, L extends Lock>(pkg: P, lock: L, names: string[]): { pkg: P; lock: L }
