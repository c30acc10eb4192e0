import path from 'node:path'
import { ConfigError } from './errors.js'

/** Where archives are read from or the table is written to: a bucket prefix or a local folder. */
export type LocationSpec = { kind: 'oss'; bucket: string; prefix: string } | { kind: 'fs'; root: string; prefix: string }

const OSS_URI = /^oss:\/\/([a-z0-9][a-z0-9-]{1,61}[a-z0-9])(?:\/(.*))?$/

/** `oss://bucket/prefix` or a folder path. `setting` names the option in errors. */
export function parseLocation(text: string, setting: string): LocationSpec {
  const value = text.trim()
  if (value === '') throw new ConfigError(setting, 'is empty; give a folder or oss://bucket/prefix')
  if (value.startsWith('oss://')) {
    const match = OSS_URI.exec(value)
    if (!match) throw new ConfigError(setting, `"${value}" is not a valid oss://bucket/prefix (bucket names are 3-63 lowercase letters, digits and hyphens)`)
    return { kind: 'oss', bucket: match[1], prefix: normalizePrefix(match[2] ?? '') }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new ConfigError(setting, `"${value}": only local folders and oss:// locations are supported`)
  return { kind: 'fs', root: path.resolve(value), prefix: '' }
}

/** A key prefix that is empty or ends with exactly one `/`. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '')
  return trimmed === '' ? '' : trimmed + '/'
}

export function describeLocation(spec: LocationSpec): string {
  return spec.kind === 'oss' ? `oss://${spec.bucket}/${spec.prefix}` : spec.root
}
