import { main } from '../../lib/cli/main.js'
import type { VariantInput, VariantOutput } from './types.js'

/** Any ccc-trail command line (`args`), as a user runs it, in a process of its own: the cadence bench's query, report and compact. */
export async function run({ args }: VariantInput): Promise<VariantOutput> {
  if (!args?.length) throw new Error('the ccc-trail-cli variant needs args')
  const code = await main(args)
  if (code !== 0) throw new Error(`ccc-trail ${args[0]} exited with ${code}`)
  return {}
}
