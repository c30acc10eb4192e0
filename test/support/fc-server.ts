import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createFcInvoker, type Invoker } from '../../lib/fc/invoker.js'

/**
 * A stand-in for the FC invocation API on 127.0.0.1: records every InvokeFunction request the real
 * SDK sends, answers 202 like an accepted asynchronous invocation, and can run the invoked
 * function afterwards (as FC would) so fan-out can be followed end to end.
 */
export interface ReceivedInvocation {
  method: string
  path: string
  functionName: string
  headers: IncomingHttpHeaders
  payload: unknown
}

export interface FcServer {
  /** `127.0.0.1:<port>`, for the SDK's endpoint (with protocol http). */
  endpoint: string
  readonly received: ReceivedInvocation[]
  /** The next `times` requests fail with this HTTP status and FC error code. */
  failNext(status: number, code: string, times?: number): void
  /** Runs each accepted invocation after answering; `drain` waits for all of them (failures are the runner's to record). */
  onInvoke(run: (functionName: string, payload: unknown) => Promise<unknown>): void
  drain(): Promise<void>
  invoker(): Invoker
  close(): Promise<void>
}

const PATH = /^\/2023-03-30\/functions\/([^/]+)\/invocations$/

export async function startFcServer(): Promise<FcServer> {
  const received: ReceivedInvocation[] = []
  const failures: { status: number; code: string }[] = []
  const running = new Set<Promise<unknown>>()
  let run: ((name: string, payload: unknown) => Promise<unknown>) | undefined
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const requestId = `req-${received.length + 1}`
      const failure = failures.shift()
      if (failure) {
        res.writeHead(failure.status, { 'content-type': 'application/json', 'x-fc-request-id': requestId })
        res.end(JSON.stringify({ Code: failure.code, Message: `injected ${failure.code}`, RequestId: requestId }))
        return
      }
      const path = req.url ?? ''
      const functionName = decodeURIComponent(PATH.exec(path)?.[1] ?? '')
      const text = Buffer.concat(chunks).toString('utf8')
      const payload = text ? JSON.parse(text) : undefined
      received.push({ method: req.method ?? '', path, functionName, headers: req.headers, payload })
      res.writeHead(202, { 'x-fc-request-id': requestId })
      res.end()
      if (run) {
        const task = run(functionName, payload).finally(() => running.delete(task))
        running.add(task)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    endpoint,
    received,
    failNext: (status, code, times = 1) => void failures.push(...Array.from({ length: times }, () => ({ status, code }))),
    onInvoke: (handler) => void (run = handler),
    drain: async () => {
      while (running.size > 0) await Promise.allSettled([...running])
    },
    invoker: () =>
      createFcInvoker({
        endpoint,
        protocol: 'http',
        accessKeyId: 'LTAI5tFcTestKey',
        accessKeySecret: 'fc-test-secret',
        securityToken: 'fc-test-token',
        retryBaseMs: 1,
      }),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}
