import type { AlertMessage } from './message.js'

export const WEBHOOK_KINDS = ['dingtalk', 'lark', 'generic'] as const
export type WebhookKind = (typeof WEBHOOK_KINDS)[number]

/** Where alert messages go. The secret comes only from the environment and is never logged. */
export interface Webhook {
  kind: WebhookKind
  url: string
  secret?: string
}

export interface WebhookRequest {
  url: string
  headers: Record<string, string>
  body: string
}

/** What the receiver's answer means: delivered, worth another try, or refused for good. */
export type WebhookVerdict = { ok: true } | { ok: false; retry: boolean; reason: string }

/** One kind of receiver: how to build its request and read its answer. */
export interface WebhookFormat {
  request(webhook: Webhook, message: AlertMessage, now: number): WebhookRequest
  verdict(status: number, body: string): WebhookVerdict
}

/** 429 and 5xx are worth retrying; any other non-2xx is not. */
export function httpVerdict(status: number, body: string): WebhookVerdict | undefined {
  if (status >= 200 && status < 300) return undefined
  return { ok: false, retry: status === 429 || status >= 500, reason: `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}` }
}

export function jsonBody(body: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body) as unknown
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
