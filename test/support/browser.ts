import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Flags that launch headless Chromium here (Debian, root, no GPU, no network) and keep it from reaching
 * out or touching a profile. --no-sandbox: the page is our own file, and the sandbox needs root's
 * consent or user namespaces that containers often lack.
 */
export const BROWSER_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const SYSTEM_BROWSERS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
  win32: ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe'],
}

export const NO_BROWSER = `no Chromium or Chrome found for the report's browser test. On Linux x64 npm install brings one (@sparticuz/chromium); elsewhere install Google Chrome or Chromium, or run \`npx playwright-core install chromium\`, or set CHROME_PATH to a Chromium-based browser.`

/**
 * The browser the report's browser test drives: CHROME_PATH when set; on Linux x64 the Chromium that
 * `npm install` brings inside @sparticuz/chromium (one pinned version everywhere, no system package);
 * elsewhere an installed Chrome or Chromium, or the one `playwright-core install chromium` downloads.
 */
export async function browserExecutable(): Promise<string> {
  if (process.env.CHROME_PATH) return process.env.CHROME_PATH
  if (process.platform === 'linux' && process.arch === 'x64') return packagedChromium()
  const { chromium } = await import('playwright-core')
  const found = [...(SYSTEM_BROWSERS[process.platform] ?? []), chromium.executablePath()].find((file) => existsSync(file))
  if (!found) throw new Error(NO_BROWSER)
  return found
}

/**
 * @sparticuz/chromium unpacks its brotli-packed binary into os.tmpdir() and takes any file already
 * there as finished, so two test runs at once could launch a half-written binary. It unpacks into a
 * fresh folder instead, renamed into place whole; the first of two racing runs wins, the other's copy
 * is dropped.
 */
async function packagedChromium(): Promise<string> {
  const entry = fileURLToPath(import.meta.resolve('@sparticuz/chromium'))
  const root = path.resolve(path.dirname(entry), '../..')
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }
  const home = path.join(tmpdir(), `ccc-trail-chromium-${version}`)
  const binary = path.join(home, 'chromium')
  if (existsSync(binary)) return binary
  const staging = mkdtempSync(path.join(tmpdir(), `ccc-trail-chromium-${version}-`))
  const { default: Chromium } = await import('@sparticuz/chromium')
  const saved = process.env.TMPDIR
  process.env.TMPDIR = staging
  try {
    Chromium.setGraphicsMode = false
    await Chromium.executablePath()
  } finally {
    if (saved === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = saved
  }
  try {
    renameSync(staging, home)
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    if (!existsSync(binary)) throw error
  }
  return binary
}
