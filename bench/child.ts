import { performance } from 'node:perf_hooks'
import { VARIANT_MODULES, type VariantInput, type VariantOutput } from './variants/types.js'

/**
 * One benchmark variant in its own process, so that its peak RSS is its own.
 * Usage: node dist/bench/child.js <variant> '<json VariantInput>'. The last stdout line is the result.
 */
const [name, input] = process.argv.slice(2)
const file = VARIANT_MODULES[name]
if (!file || !input) {
  process.stderr.write(`usage: child.js <${Object.keys(VARIANT_MODULES).join('|')}> '<json input>'\n`)
  process.exit(2)
}
const started = performance.now()
const variant = (await import(new URL(`./variants/${file}`, import.meta.url).href)) as { run: (input: VariantInput) => Promise<VariantOutput> }
const output = await variant.run(JSON.parse(input) as VariantInput)
const seconds = (performance.now() - started) / 1000
const usage = process.resourceUsage()
const result = { ...output, innerSeconds: seconds, peakRssMB: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }
process.stdout.write('\n' + JSON.stringify(result) + '\n')
