import { formatNumber } from './format.js';

/** Plot colours from the CSS variables, so uPlot canvases follow the OS light/dark theme. */
export function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export function plotTheme() {
  return {
    fg: cssVar('--fg', '#222'),
    grid: cssVar('--grid', 'rgba(0,0,0,0.08)'),
    band: cssVar('--band', 'rgba(47,111,222,0.2)'),
    series: [
      cssVar('--plot1', '#2f6fde'),
      cssVar('--plot2', '#d9534f'),
      cssVar('--plot3', '#2ca02c'),
      cssVar('--plot4', '#9467bd'),
    ],
  };
}

/** An axis with a label (units included by the caller) in the theme's colours; compact tick labels. */
export function axis(label: string, extra: Record<string, unknown> = {}) {
  const t = plotTheme();
  return {
    label,
    stroke: t.fg,
    grid: { stroke: t.grid, width: 1 },
    ticks: { stroke: t.grid, width: 1 },
    // Compact tick labels: energies of untrained flows reach 1e10, which uPlot prints in full.
    values: (_u: unknown, splits: number[]) => splits.map((v) => formatNumber(v, 3)),
    ...extra,
  };
}
