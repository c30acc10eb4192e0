import type { Readable } from 'node:stream'

export interface ObjectInfo {
  key: string
  size: number
  /** Opaque version tag; changes whenever the content changes. Quotes stripped. */
  etag: string
  lastModified?: Date
}

export interface ListOptions {
  /** Group keys sharing the part after `prefix` up to this string into `prefixes`. */
  delimiter?: string
  /** Resume after this cursor (returned as `next` by the previous page). */
  cursor?: string
  /** Page size; drivers may return fewer. */
  limit?: number
}

export interface ListPage {
  /** Objects in lexicographic key order. */
  objects: ObjectInfo[]
  /** Common prefixes (each ends with the delimiter), in order. Only with `delimiter`. */
  prefixes: string[]
  /** Present when more results exist. */
  next?: string
}

/**
 * One flat key space (a bucket, a folder). Keys use `/` as separator and never start with `/`.
 * Every driver passes the same contract suite (test/storage/contract.ts).
 * Errors: NotFoundError for a missing key on get; RetryableError for transient faults;
 * AccessError for credential or permission refusals.
 */
export interface Storage {
  /** Human-readable location for logs and errors, e.g. `oss://bucket` or `/data/lake`. */
  readonly description: string
  get(key: string): Promise<Readable>
  /** Atomic: readers see the old object or the new one, never a partial one. */
  put(key: string, body: Uint8Array | string): Promise<ObjectInfo>
  /**
   * Writes an object whose bytes arrive over time, holding little of it in memory (OSS: multipart
   * upload; folder: a temporary file). Atomic like put. If `body` throws, nothing is written and the
   * error is rethrown.
   */
  putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo>
  /**
   * Creates the object only if no object has this key; undefined (nothing written) when one does.
   * Exclusive: of several concurrent putIfAbsent calls for one key, exactly one gets an ObjectInfo.
   * A driver that cannot promise that for its location throws ExclusiveCreateUnsupportedError instead
   * (an OSS bucket with versioning Enabled or Suspended ignores `x-oss-forbid-overwrite`).
   * After a retried request the object may be this call's own first attempt: callers that must know
   * put something of their own in the body (the lease puts its owner id).
   */
  putIfAbsent(key: string, body: Uint8Array | string): Promise<ObjectInfo | undefined>
  head(key: string): Promise<ObjectInfo | undefined>
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>
  /**
   * Deletes every key given, in as few requests as the store allows (OSS: DeleteMultipleObjects, 1,000
   * keys a request). Idempotent like delete. Not atomic: after a failure any subset may be gone, and a
   * retry finishes the job.
   */
  deleteMany(keys: readonly string[]): Promise<void>
  list(prefix: string, options?: ListOptions): Promise<ListPage>
}
