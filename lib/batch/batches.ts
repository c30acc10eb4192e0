/** At most this many archives in one batch: about two days of one trail folder at ActionTrail's cadence. */
export const MAX_BATCH_ARCHIVES = 600

/**
 * Groups keys into batches: consecutive keys of one folder (a delivery day of one trail, as listings and
 * backfill plans give them), at most `max` each. Keys from other folders start a new batch.
 */
export async function* batchesOf(keys: Iterable<string> | AsyncIterable<string>, max = MAX_BATCH_ARCHIVES): AsyncGenerator<string[]> {
  let batch: string[] = []
  let folder: string | undefined
  for await (const key of keys) {
    const own = key.slice(0, key.lastIndexOf('/') + 1)
    if (batch.length > 0 && (own !== folder || batch.length >= max)) {
      yield batch
      batch = []
    }
    folder = own
    batch.push(key)
  }
  if (batch.length > 0) yield batch
}

/**
 * The keys of `batches`, in order, cut into `count` contiguous shares of (nearly) equal length: the last
 * work of a run, one share per worker, so that the workers finish together. A share that spans folders
 * is batched again by folder where it is converted (batchesOf), so only the folders cut between two
 * shares get a second file per partition.
 */
export function shareOut(batches: readonly string[][], count: number): string[][] {
  const keys = batches.flat()
  const shares = Math.min(Math.max(1, count), keys.length)
  return Array.from({ length: shares }, (_, i) => keys.slice(Math.floor((i * keys.length) / shares), Math.floor(((i + 1) * keys.length) / shares)))
}
