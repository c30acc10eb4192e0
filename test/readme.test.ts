import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMMANDS } from '../lib/cli/commands/index.js'
import { SETTINGS } from '../lib/config.js'
import { COLUMNS } from '../lib/schema/columns.js'
import { REPO } from './support/cli.js'

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8')
const docNames = readdirSync(path.join(REPO, 'docs')).filter((name) => name.endsWith('.md'))
const docs = Object.fromEntries(docNames.map((name) => [`docs/${name}`, readFileSync(path.join(REPO, 'docs', name), 'utf8')]))
const pages: Record<string, string> = { 'README.md': readme, ...docs }

describe('README and docs/ stay true', () => {
  it('the README starts with the newcomer path and stays short', () => {
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Quick start') + 400)
    expect(quickStart).toMatch(/npm install\nnpm start .*\nnpm test /)
    expect(readme.split('\n').length).toBeLessThanOrEqual(300)
  })

  it('lists every column of the table, in file order', () => {
    const listed = [...readme.matchAll(/^\| `([a-z_]+)` \| (?:STRING|INT|BOOLEAN)/gm)].map((m) => m[1])
    expect(listed).toEqual(COLUMNS.map((c) => c.name))
  })

  it('documents every setting and every command', () => {
    for (const name of Object.keys(SETTINGS)) expect(readme, name).toContain(`| \`${name}\` |`)
    for (const command of COMMANDS) expect(readme, command.name).toMatch(new RegExp(`\\| \`${command.name}[ \`]`))
  })

  it('names only columns that exist', () => {
    const columns = new Set(COLUMNS.map((c) => c.name))
    for (const [page, text] of Object.entries(pages)) {
      // a column table row in any page: | `name` | TYPE ...
      for (const m of text.matchAll(/^\| `([a-z_]+)` \| (?:STRING|INT|BOOLEAN)/gm)) expect(columns.has(m[1]), `${page}: column ${m[1]}`).toBe(true)
    }
  })

  it('links only to files that exist in the repository, never to files outside it', () => {
    for (const [page, text] of Object.entries(pages)) {
      const dir = path.dirname(path.join(REPO, page))
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]
        if (/^https?:\/\//.test(target)) continue // a public web page, not a file
        const resolved = path.resolve(dir, target)
        expect(resolved.startsWith(REPO + path.sep), `${page} -> ${target}`).toBe(true)
        expect(existsSync(resolved), `${page} -> ${target}`).toBe(true)
      }
      expect(text, `${page} refers to ../shared`).not.toMatch(/\.\.\/shared|DESIGN\.md/)
    }
  })

  it('every docs/ page is linked from the README', () => {
    for (const name of docNames) expect(readme, name).toContain(`(docs/${name})`)
  })
})
