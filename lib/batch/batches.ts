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

/** Splits the largest batches in two (contiguous halves) until there are `count` of them, or none can be split. */
export function splitToFill(batches: string[][], count: number): void {
  while (batches.length < count) {
    let largest = 0
    for (let i = 1; i < batches.length; i++) if (batches[i].length > batches[largest].length) largest = i
    const batch = batches[largest]
    if (!batch || batch.length < 2) return
    const half = Math.ceil(batch.length / 2)
    batches.splice(largest, 1, batch.slice(0, half), batch.slice(half))
  }
}
