import type { WorkHours } from '../report/window.js'
import type { Rule } from './rules.js'
import type { Webhook } from './webhook.js'

/** What the alert settings of lib/config.ts hold. */
export interface AlertSettings {
  rules: readonly Rule[]
  /** Working hours and the time zone of "outside working hours" and of the times in messages. */
  workHours: WorkHours
  /** Absent: no webhook configured, the trigger does not evaluate alerts. */
  webhook?: Webhook
}
