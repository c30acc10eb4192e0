import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMMANDS } from '../lib/cli/commands/index.js'
import { SETTINGS } from '../lib/config.js'
import { COLUMNS } from '../lib/normalize/columns.js'
import { REPO } from './support/cli.js'

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8')

describe('README stays true', () => {
  it('starts with the newcomer path', () => {
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Quick start') + 400)
    expect(quickStart).toMatch(/npm install\nnpm start .*\nnpm test /)
  })

  it('lists every column of the table, in file order', () => {
    const listed = [...readme.matchAll(/^\| `([a-z_]+)` \| (?:STRING|INT|BOOLEAN)/gm)].map((m) => m[1])
    expect(listed).toEqual(COLUMNS.map((c) => c.name))
  })

  it('documents every setting and every command', () => {
    for (const name of Object.keys(SETTINGS)) expect(readme, name).toContain(`| \`${name}\` |`)
    for (const command of COMMANDS) expect(readme, command.name).toMatch(new RegExp(`\\| \`${command.name}[ \`]`))
  })
})
