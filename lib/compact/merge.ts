import { EVENT_TIME_INDEX, type Value } from '../schema/columns.js'
import { MinHeap } from './heap.js'

/** Rows in event_time order (one row group of an input file), read only when the merge gets to them. */
export interface Run {
  /** Among rows of the same instant, lower orders come first. */
  order: number
  /** No row of the run is earlier than this (row group statistics; -Infinity when unknown). */
  minTime: number
  load(): Promise<Value[][]>
}

interface Cursor {
  run: Run
  rows?: Value[][]
  index: number
  time: number
}

/**
 * K-way merge of runs by event_time. A run is loaded when the merge reaches its `minTime`, so only the
 * row groups that overlap in time are in memory at once (archives cover a few minutes each).
 */
export async function mergeRuns(runs: readonly Run[], emit: (row: Value[]) => void | Promise<void>): Promise<void> {
  const heap = new MinHeap<Cursor>(comesFirst)
  for (const run of runs) heap.push({ run, index: 0, time: run.minTime })
  for (let cursor = heap.pop(); cursor; cursor = heap.pop()) {
    if (!cursor.rows) {
      // Stable sort: a run is normally sorted already; this guards files written by other tools.
      const rows = (await cursor.run.load()).sort((a, b) => timeOf(a) - timeOf(b))
      if (rows.length > 0) heap.push({ run: cursor.run, rows, index: 0, time: timeOf(rows[0]) })
      continue
    }
    const pending = emit(cursor.rows[cursor.index])
    if (pending) await pending
    cursor.index++
    if (cursor.index < cursor.rows.length) {
      cursor.time = timeOf(cursor.rows[cursor.index])
      heap.push(cursor)
    }
  }
}

function comesFirst(a: Cursor, b: Cursor): boolean {
  if (a.time !== b.time) return a.time < b.time
  // Load every run that may hold rows of this instant before emitting any: ties then break by order alone.
  if (!a.rows !== !b.rows) return !a.rows
  if (a.run.order !== b.run.order) return a.run.order < b.run.order
  return a.index < b.index
}

function timeOf(row: Value[]): number {
  return row[EVENT_TIME_INDEX] as number
}
