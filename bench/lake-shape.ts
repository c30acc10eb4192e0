import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'

/** What a run left in its table folder: the per-file costs every later reader pays. */
export interface LakeShape {
  /** Parquet data files (names starting with `_` are not data and not counted). */
  files: number
  bytes: number
  /** (dt, event_name) folders holding at least one data file. */
  partitions: number
  maxFilesPerPartition: number
  meanFilesPerPartition: number
}

export function lakeShape(root: string): LakeShape {
  const perPartition = new Map<string, number>()
  let files = 0
  let bytes = 0
  let names: string[]
  try {
    names = readdirSync(root, { recursive: true }) as string[]
  } catch {
    names = []
  }
  for (const name of names) {
    const parts = name.split(path.sep)
    if (!name.endsWith('.parquet') || parts.some((part) => part.startsWith('_'))) continue
    files++
    bytes += statSync(path.join(root, name)).size
    const folder = parts.slice(0, -1).join('/')
    perPartition.set(folder, (perPartition.get(folder) ?? 0) + 1)
  }
  const counts = [...perPartition.values()]
  return {
    files,
    bytes,
    partitions: counts.length,
    maxFilesPerPartition: Math.max(0, ...counts),
    meanFilesPerPartition: counts.length ? Math.round((files / counts.length) * 100) / 100 : 0,
  }
}
