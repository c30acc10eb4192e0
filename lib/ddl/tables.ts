import { CATALOG_COLUMNS } from '../catalog/write-catalog.js'
import { CATALOG_KEY } from '../layout.js'
import { COLUMNS, type ColumnKind, PARTITION_COLUMNS } from '../schema/columns.js'

/** What a DDL generator needs to know about a table: its columns in file order, partitions, and folder. */
export interface TableSpec {
  name: string
  description: string
  columns: readonly { name: string; kind: ColumnKind; description: string }[]
  partitions: readonly string[]
  /** Folder under the table location, `''` for the events themselves. */
  folder: string
}

/** The two tables, named after `eventsTable` (e.g. `lake.ccc_events` gives `lake.ccc_api_catalog`). */
export function tableSpecs(eventsTable: string): { events: TableSpec; catalog: TableSpec } {
  const schema = eventsTable.includes('.') ? eventsTable.slice(0, eventsTable.lastIndexOf('.') + 1) : ''
  return {
    events: {
      name: eventsTable,
      description: 'Cloud Call Center API events from ActionTrail, one row per event (ccc-trail)',
      columns: COLUMNS,
      partitions: PARTITION_COLUMNS,
      folder: '',
    },
    catalog: {
      name: `${schema}ccc_api_catalog`,
      description: 'CCC API names and what they do (ccc-trail)',
      columns: CATALOG_COLUMNS,
      partitions: [],
      folder: CATALOG_KEY.slice(0, CATALOG_KEY.lastIndexOf('/') + 1),
    },
  }
}
