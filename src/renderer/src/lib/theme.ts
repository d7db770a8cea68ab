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
    values: tickLabels,
    ...extra,
  };
}

interface TickPlot {
  axes: { scale?: string }[];
  scales: Record<string, { distr?: number }>;
}

/** Tick labels via formatNumber; on log axes only the decades, or the minor ticks pile up. */
export function tickLabels(u: TickPlot, splits: number[], axisIdx: number): string[] {
  const scale = u.axes[axisIdx]?.scale ?? 'y';
  const log = u.scales[scale]?.distr === 3;
  return splits.map((v) => {
    if (v == null) return '';
    if (log && Math.abs(Math.log10(Math.abs(v)) - Math.round(Math.log10(Math.abs(v)))) > 1e-9) return '';
    return formatNumber(v, 3);
  });
}
