import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A webhook receiver on 127.0.0.1 for the alert tests: it checks each request's signature the way
 * the real receiver does (DingTalk: `timestamp` and `sign` in the query; Lark: in the body; generic:
 * the X-Ccc-Trail headers), answers with the scripted statuses first and 200 after, and keeps what
 * it accepted. The checks are written from the receivers' documentation, not from lib/alerts.
 */
export type ReceiverKind = 'dingtalk' | 'lark' | 'generic'

export interface ReceivedRequest {
  status: number
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: Record<string, unknown>
  signatureValid: boolean
}

export interface WebhookServer {
  url: string
  /** Every request, with the status it got. */
  requests: ReceivedRequest[]
  /** Bodies of the requests answered 200 with a valid signature. */
  messages: Record<string, unknown>[]
  /** The next requests get these statuses, in order (then 200). */
  script(...statuses: number[]): void
  close(): Promise<void>
}

export async function startWebhookServer(kind: ReceiverKind, secret?: string): Promise<WebhookServer> {
  const requests: ReceivedRequest[] = []
  const messages: Record<string, unknown>[] = []
  const scripted: number[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const body = JSON.parse(raw || '{}') as Record<string, unknown>
      const signatureValid = secret === undefined || verify(kind, secret, url.searchParams, req.headers, body, raw)
      const status = scripted.shift() ?? (signatureValid ? 200 : 403)
      requests.push({ status, path: url.pathname, query: url.searchParams, headers: req.headers, body, signatureValid })
      if (status === 200 && signatureValid) messages.push(body)
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(kind === 'lark' ? { code: status === 200 ? 0 : 1, msg: 'ok' } : { errcode: status === 200 ? 0 : 1, errmsg: 'ok' }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/robot/send?access_token=test-token`,
    requests,
    messages,
    script: (...statuses) => void scripted.push(...statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function verify(
  kind: ReceiverKind,
  secret: string,
  query: URLSearchParams,
  headers: IncomingMessage['headers'],
  body: Record<string, unknown>,
  raw: string,
): boolean {
  if (kind === 'dingtalk') {
    // URLSearchParams has already undone the URL encoding of `sign`.
    const timestamp = query.get('timestamp') ?? ''
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64')
    return timestamp !== '' && same(query.get('sign') ?? '', expected)
  }
  if (kind === 'lark') {
    const timestamp = String(body.timestamp ?? '')
    const expected = createHmac('sha256', `${timestamp}\n${secret}`).digest('base64')
    return timestamp !== '' && same(String(body.sign ?? ''), expected)
  }
  const timestamp = String(headers['x-ccc-trail-timestamp'] ?? '')
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`
  return timestamp !== '' && same(String(headers['x-ccc-trail-signature'] ?? ''), expected)
}

function same(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))
}
