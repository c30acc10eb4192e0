import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'

/**
 * One simulated FC container: loads a handler (the OSS trigger's; bench/rollup.ts: the compaction
 * function's), then handles each payload in turn.
 * Usage: node dist/bench/trigger-container.js <handler.js> '<json payloads>' '<json credentials>'.
 * Times are from process start (performance.now() counts from there): the first includes module loading.
 */
type Handler = (event: Buffer, context: unknown) => Promise<{ outcomes?: { status: string }[] }>

const [file, payloads, credentials] = process.argv.slice(2)
const seconds: number[] = []
const statuses: string[] = []
let mark = 0
const { handler } = (await import(pathToFileURL(file).href)) as { handler: Handler }
for (const [i, payload] of (JSON.parse(payloads) as string[]).entries()) {
  const summary = await handler(Buffer.from(payload), { requestId: `bench-${i}`, credentials: JSON.parse(credentials), function: { timeout: 1800 } })
  statuses.push(...(summary.outcomes ?? []).map((o) => o.status))
  const now = performance.now()
  seconds.push((now - mark) / 1000)
  mark = now
}
const usage = process.resourceUsage()
process.stdout.write(
  '\n' + JSON.stringify({ seconds, statuses, peakRssMB: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }) + '\n',
)
