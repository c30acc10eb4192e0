import { main } from '../../lib/cli/main.js'
import type { VariantInput, VariantOutput } from './types.js'

/** The real thing, as a user runs it: `ccc-trail process --source <folder> --dest <folder>`. */
export async function run({ source, dest }: VariantInput): Promise<VariantOutput> {
  const code = await main(['process', '--source', source, '--dest', dest])
  if (code !== 0) throw new Error(`ccc-trail process exited with ${code}`)
  return {}
}
