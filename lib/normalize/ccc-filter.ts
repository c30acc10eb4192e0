import { field } from '../schema/coerce.js'
import type { Event } from '../schema/columns.js'

/**
 * A CCC event: serviceName CloudCallCenter, or an eventSource of ccc.*, or AcsProduct CCC.
 * `services` widens the filter (SERVICE_FILTER): extra serviceName values to keep.
 */
export function isCccEvent(event: Event, services: ReadonlySet<string> = NO_EXTRA): boolean {
  const serviceName = event.serviceName
  if (serviceName === 'CloudCallCenter') return true
  const source = event.eventSource
  if (typeof source === 'string' && source.startsWith('ccc.')) return true
  if (field(event.requestParameters, 'AcsProduct') === 'CCC') return true
  return typeof serviceName === 'string' && services.has(serviceName)
}

const NO_EXTRA: ReadonlySet<string> = new Set()
