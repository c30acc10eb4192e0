/** Adds each field of `add` to the same field of `into`, for records whose every field is a count (Counts, backfill stats). */
export function addTotals<T extends { [K in keyof T]: number }>(into: T, add: Readonly<T>): T {
  for (const name of Object.keys(add) as (keyof T)[]) (into[name] as number) += add[name]
  return into
}
