import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMMANDS } from '../../lib/cli/commands/index.js'
import { moduleGraph } from '../support/module-graph.js'

const root = path.resolve(import.meta.dirname, '../..')
const relative = (files: string[]) => files.map((file) => path.relative(root, file))
const commandModule = (name: string) => `lib/cli/commands/${name}.ts`

describe('CLI commands are loaded on use', () => {
  const started = relative(moduleGraph(path.join(root, 'lib/cli/main.ts'), { dynamic: false }).files)

  it("starting the CLI (help, usage errors, option parsing) loads no command's run, DuckDB or the converter", () => {
    for (const command of COMMANDS) expect(started).not.toContain(commandModule(command.name))
    expect(started.filter((file) => /^lib\/(query|write|decode|pipeline|compact|report\/build)/.test(file))).toEqual([])
  })

  it("each command's run is one dynamic import away, and loads only its own command", () => {
    const reachable = relative(moduleGraph(path.join(root, 'lib/cli/main.ts')).files)
    for (const command of COMMANDS) expect(reachable).toContain(commandModule(command.name))
    const query = relative(moduleGraph(path.join(root, commandModule('query')), { dynamic: false }).files)
    expect(query.filter((file) => file.startsWith('lib/cli/commands/'))).toEqual([commandModule('query')])
    expect(query).not.toContain('lib/pipeline.ts')
  })
})
