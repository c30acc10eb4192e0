/**
 * ActionTrail archive object keys:
 *   <prefix>AliyunLogs/Actiontrail/[<rd_id>/<account_id>/]<region>/<YYYY>/<MM>/<DD>/
 *     Actiontrail_<region>_<YYYYMMDDHHMMSS>_1002_<EventCount>_<FileSize>_<md5>.gz
 * Insight archives live under `Actiontrail-Insight` and are not API events.
 */
export interface ArchiveKey {
  key: string
  /** Everything before `AliyunLogs/` (may be empty; ends with `/` otherwise). */
  prefix: string
  rdId?: string
  accountId?: string
  region: string
  /** UTC folder date `YYYY-MM-DD`. */
  folderDate: string
  /** Delivery timestamp from the file name, as ISO-8601 UTC. */
  deliveredAt: string
  eventCount: number
  fileSize: number
  md5: string
}

export type KeyVerdict = { kind: 'archive'; archive: ArchiveKey } | { kind: 'insight'; key: string } | { kind: 'other'; key: string }

const ARCHIVE = new RegExp(
  '^(?<prefix>(?:.*/)?)AliyunLogs/Actiontrail/' +
    '(?:(?<rdId>[^/]+)/(?<accountId>\\d+)/)?' +
    '(?<region>[a-z0-9-]+)/(?<y>\\d{4})/(?<m>\\d{2})/(?<d>\\d{2})/' +
    'Actiontrail_\\k<region>_(?<ts>\\d{14})_\\d+_(?<count>\\d+)_(?<size>\\d+)_(?<md5>[0-9a-fA-F]+)\\.gz$',
)
const INSIGHT = /(?:^|\/)AliyunLogs\/Actiontrail-Insight\//
/** `.` or `..` as a path segment: ActionTrail never writes one, and file systems and URL clients resolve them. */
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/

export function classifyKey(key: string): KeyVerdict {
  if (DOT_SEGMENT.test(key)) return { kind: 'other', key }
  if (INSIGHT.test(key)) return { kind: 'insight', key }
  const match = ARCHIVE.exec(key)
  const g = match?.groups
  if (!g) return { kind: 'other', key }
  const ts = g.ts
  if (!ts.startsWith(g.y + g.m + g.d)) return { kind: 'other', key }
  const deliveredAt = `${ts.slice(0, 4)}-${ts.slice(4, 6)}-${ts.slice(6, 8)}T${ts.slice(8, 10)}:${ts.slice(10, 12)}:${ts.slice(12, 14)}Z`
  if (Number.isNaN(Date.parse(deliveredAt))) return { kind: 'other', key }
  return {
    kind: 'archive',
    archive: {
      key,
      prefix: g.prefix,
      rdId: g.rdId,
      accountId: g.accountId,
      region: g.region,
      folderDate: `${g.y}-${g.m}-${g.d}`,
      deliveredAt,
      eventCount: Number(g.count),
      fileSize: Number(g.size),
      md5: g.md5,
    },
  }
}

export function parseArchiveKey(key: string): ArchiveKey | undefined {
  const verdict = classifyKey(key)
  return verdict.kind === 'archive' ? verdict.archive : undefined
}

export interface ArchiveKeyParts {
  prefix?: string
  rdId?: string
  accountId?: string
  region: string
  /** Delivery time; the folder date is its UTC date. */
  deliveredAt: Date
  eventCount: number
  fileSize: number
  md5: string
}

/** The key ActionTrail would give an archive with these parts. */
export function archiveKey(parts: ArchiveKeyParts): string {
  const iso = parts.deliveredAt.toISOString()
  const [y, m, d] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)]
  const ts = iso.slice(0, 19).replace(/[-T:]/g, '')
  const account = parts.rdId && parts.accountId ? `${parts.rdId}/${parts.accountId}/` : ''
  return (
    `${parts.prefix ?? ''}AliyunLogs/Actiontrail/${account}${parts.region}/${y}/${m}/${d}/` +
    `Actiontrail_${parts.region}_${ts}_1002_${parts.eventCount}_${parts.fileSize}_${parts.md5}.gz`
  )
}
