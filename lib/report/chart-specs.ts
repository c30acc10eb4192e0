import type { TopLevelSpec } from 'vega-lite'

/** Vega-Lite specs of the report's charts: plain data in, spec out (rendered by render-chart.ts). */

export type Row = Record<string, unknown>

export const PALETTE = {
  ink: '#1f2933',
  muted: '#616e7c',
  grid: '#e4e7eb',
  ok: '#3e6fb0',
  failed: '#c8372d',
  outside: '#d9822b',
  inside: '#9fb3c8',
  categories: ['#3e6fb0', '#d9822b', '#2f9e72', '#8e5ec4', '#2aa1b3', '#5c6f82', '#b58900', '#a34f7d', '#7a8f3a', '#c8372d'],
}

/** One colour per catalog category, the same in every chart. */
const CATEGORY_COLORS: Record<string, string> = {
  customer_data: '#8e5ec4',
  reporting: '#2aa1b3',
  administration: '#3e6fb0',
  configuration: '#2f9e72',
  outbound: '#b58900',
  telephony: '#9fb3c8',
  uncatalogued: '#c3c9d0',
}

const WIDTH = 760

const CONFIG = {
  font: 'Segoe UI, Helvetica Neue, Arial, PingFang SC, Microsoft YaHei, sans-serif',
  background: 'white',
  view: { stroke: null },
  axis: {
    labelColor: PALETTE.muted,
    titleColor: PALETTE.muted,
    gridColor: PALETTE.grid,
    domainColor: PALETTE.grid,
    tickColor: PALETTE.grid,
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 'normal' as const,
  },
  legend: {
    labelColor: PALETTE.ink,
    titleColor: PALETTE.muted,
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 'normal' as const,
    orient: 'top' as const,
    direction: 'horizontal' as const,
    columns: 4,
    symbolType: 'square',
  },
  range: { category: PALETTE.categories },
}

function base(values: Row[]) {
  return { config: CONFIG, data: { values }, width: WIDTH, background: 'white' }
}

/** Events per day, the failed part stacked on top in red. */
export function dailyEventsSpec(days: Row[]): TopLevelSpec {
  const values = days.flatMap((d) => [
    { dt: d.dt, result: 'succeeded', events: Number(d.events) - Number(d.failed) },
    { dt: d.dt, result: 'failed', events: Number(d.failed) },
  ])
  return {
    ...base(values),
    height: 180,
    mark: { type: 'bar', cornerRadiusEnd: 0 },
    encoding: {
      x: { field: 'dt', type: 'ordinal', title: null, axis: { labelAngle: 0 } },
      y: { field: 'events', type: 'quantitative', title: 'events', stack: 'zero' },
      color: { field: 'result', type: 'nominal', title: null, scale: { domain: ['succeeded', 'failed'], range: [PALETTE.ok, PALETTE.failed] } },
      order: { field: 'result', sort: 'descending' },
    },
  }
}

/** One horizontal bar per label, longest first, coloured by `colorField` when given. */
export function rankedBarsSpec(
  rows: Row[],
  options: { label: string; value: string; valueTitle: string; colorField?: string; colorTitle?: string; limit?: number },
): TopLevelSpec {
  const values = rows.slice(0, options.limit ?? 15).map((r) => ({ ...r, [options.value]: Number(r[options.value]) }))
  return {
    ...base(values),
    height: { step: 18 },
    mark: { type: 'bar', color: PALETTE.ok },
    encoding: {
      y: { field: options.label, type: 'nominal', title: null, sort: '-x', axis: { labelLimit: 320 } },
      x: { field: options.value, type: 'quantitative', title: options.valueTitle },
      ...(options.colorField
        ? { color: { field: options.colorField, type: 'nominal', title: options.colorTitle ?? null, ...categoryScale(options.colorField, values) } }
        : {}),
    },
  } as TopLevelSpec
}

function categoryScale(field: string, values: Row[]) {
  if (field !== 'category') return {}
  const domain = [...new Set(values.map((v) => String(v[field])))].sort()
  return { scale: { domain, range: domain.map((c) => CATEGORY_COLORS[c] ?? PALETTE.muted) } }
}

/** Counts per day, stacked by `series`. */
export function dailyStackSpec(rows: Row[], series: string, value: string, days: string[]): TopLevelSpec {
  return {
    ...base(rows.map((r) => ({ ...r, [value]: Number(r[value]) }))),
    height: 180,
    mark: 'bar',
    encoding: {
      x: { field: 'dt', type: 'ordinal', title: null, scale: { domain: days }, axis: { labelAngle: 0 } },
      y: { field: value, type: 'quantitative', title: value, stack: 'zero' },
      color: { field: series, type: 'nominal', title: null },
    },
  }
}

/** Failures per hour stacked by error code, each spike marked with a red triangle above its bar. */
export function hourlyFailuresSpec(rows: Row[]): TopLevelSpec {
  const values = rows.map((r) => ({ hour: String(r.hour), error_code: String(r.error_code), failed: Number(r.failed), spike: r.spike === true }))
  const totals = new Map<string, number>()
  for (const r of values) totals.set(r.hour, (totals.get(r.hour) ?? 0) + r.failed)
  const spikes = values.filter((r) => r.spike).map((r) => ({ hour: r.hour, top: totals.get(r.hour), label: `▲ ${r.error_code}` }))
  return {
    config: CONFIG,
    width: WIDTH,
    height: 200,
    background: 'white',
    layer: [
      {
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'hour', type: 'temporal', timeUnit: 'yearmonthdatehours', title: null, axis: { format: '%m-%d %H:00', labelAngle: 0, tickCount: 8 } },
          y: { field: 'failed', type: 'quantitative', title: 'failed calls per hour', stack: 'zero' },
          color: { field: 'error_code', type: 'nominal', title: null },
        },
      },
      {
        data: { values: spikes },
        mark: { type: 'text', color: PALETTE.failed, dy: -8, fontSize: 11, fontWeight: 'bold' },
        encoding: {
          x: { field: 'hour', type: 'temporal', timeUnit: 'yearmonthdatehours' },
          y: { field: 'top', type: 'quantitative' },
          text: { field: 'label' },
        },
      },
    ],
  }
}

/** Events per local hour of day, hours outside working time in orange. */
export function hourOfDaySpec(rows: Row[]): TopLevelSpec {
  const values = rows.map((r) => ({ hour: Number(r.hour), events: Number(r.events), when: r.outside ? 'outside working hours' : 'working hours' }))
  return {
    ...base(values),
    height: 170,
    mark: 'bar',
    encoding: {
      x: { field: 'hour', type: 'ordinal', title: 'hour of day (local time)', axis: { labelAngle: 0 } },
      y: { field: 'events', type: 'quantitative', title: 'events' },
      color: {
        field: 'when',
        type: 'nominal',
        title: null,
        scale: { domain: ['working hours', 'outside working hours'], range: [PALETTE.inside, PALETTE.outside] },
      },
    },
  }
}
