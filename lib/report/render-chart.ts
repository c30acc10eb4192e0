import type { TopLevelSpec } from 'vega-lite'

/**
 * The only module that knows Vega: a Vega-Lite spec in, a static SVG string out, rendered
 * headless (no canvas, no DOM, no network: the data is inline). The page needs no script.
 */
export async function renderChart(spec: TopLevelSpec, title: string): Promise<string> {
  // Loaded on first use: only the report command pays for Vega.
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')])
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' })
  try {
    const svg = await view.toSVG()
    // Inline SVG in HTML needs no namespace declarations; dropping them keeps the page free of URLs.
    return svg.replace(/ xmlns(:xlink)?="[^"]*"/g, '').replace(/^<svg /, `<svg role="img" aria-label="${title.replace(/[&"<>]/g, '')}" `)
  } finally {
    view.finalize()
  }
}
