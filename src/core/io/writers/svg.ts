/**
 * Line plots as standalone SVG text: the free-energy profiles and histograms that exports and
 * `npm run reproduce` write as figures. Hand-written because core has no DOM and the charting
 * libraries we use on screen (uPlot, canvas) need one; the figures are simple (lines, error bars,
 * steps, a legend, labelled axes with units).
 */
import { formatNumber, ticks } from '../../../shared/plotScale.js';

export interface PlotSeries {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** ± error drawn as a vertical bar at each point (non-finite: none). */
  error?: ArrayLike<number>;
  /** line (default): points joined, broken where y is not finite; step: a histogram outline. */
  kind?: 'line' | 'step';
  dashed?: boolean;
}

export interface PlotSpec {
  title: string;
  /** Axis labels; put the unit in them, e.g. "dimer distance d (reduced length)". */
  xLabel: string;
  yLabel: string;
  series: PlotSeries[];
  xRange?: [number, number];
  yRange?: [number, number];
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const MARGIN = { left: 64, right: 16, top: 36, bottom: 48 };

export function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

/** [min, max] of the finite values (with their error bars), or null when there are none. */
function extent(series: PlotSeries[], axis: 'x' | 'y'): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series)
    for (let i = 0; i < s.x.length; i++) {
      const [x, y] = [s.x[i], s.y[i]];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const e = axis === 'y' && s.error && Number.isFinite(s.error[i]) ? s.error[i] : 0;
      const v = axis === 'x' ? x : y;
      lo = Math.min(lo, v - e);
      hi = Math.max(hi, v + e);
    }
  if (!(hi >= lo)) return null;
  return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
}

/** 4 % headroom above and below, so lines at the extremes do not run along the frame. */
function padded(r: [number, number] | null): [number, number] | null {
  if (!r) return null;
  const pad = 0.04 * (r[1] - r[0]);
  return [r[0] - pad, r[1] + pad];
}

const px = (v: number) => v.toFixed(1);

/** Runs of consecutive finite points, each one polyline. */
function runs(s: PlotSeries, sx: (v: number) => number, sy: (v: number) => number): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  const flush = () => {
    if (cur.length) out.push(cur.join(' '));
    cur = [];
  };
  for (let i = 0; i < s.x.length; i++) {
    if (!Number.isFinite(s.x[i]) || !Number.isFinite(s.y[i])) {
      flush();
      continue;
    }
    if (s.kind === 'step') {
      // Bin centre ± half the spacing to the neighbours.
      const h = (i + 1 < s.x.length ? s.x[i + 1] - s.x[i] : s.x[i] - s.x[i - 1] || 1) / 2;
      cur.push(`${px(sx(s.x[i] - h))},${px(sy(s.y[i]))}`, `${px(sx(s.x[i] + h))},${px(sy(s.y[i]))}`);
    } else cur.push(`${px(sx(s.x[i]))},${px(sy(s.y[i]))}`);
  }
  flush();
  return out;
}

export function writeSvgPlot(spec: PlotSpec): string {
  const W = spec.width ?? 640;
  const H = spec.height ?? 400;
  const [x0, x1] = spec.xRange ?? extent(spec.series, 'x') ?? [0, 1];
  const [y0, y1] = spec.yRange ?? padded(extent(spec.series, 'y')) ?? [0, 1];
  const plotW = W - MARGIN.left - MARGIN.right;
  const plotH = H - MARGIN.top - MARGIN.bottom;
  const sx = (v: number) => MARGIN.left + ((v - x0) / (x1 - x0)) * plotW;
  const sy = (v: number) => MARGIN.top + plotH - ((v - y0) / (y1 - y0)) * plotH;
  const clip = `<clipPath id="plot"><rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}"/></clipPath>`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(spec.title)}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(spec.title)}</title>`,
    `<defs>${clip}</defs>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(spec.title)}</text>`,
  ];
  const grid: string[] = [];
  for (const t of ticks(x0, x1, 6)) {
    const x = px(sx(t));
    grid.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`);
    grid.push(
      `<text x="${x}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${escapeXml(formatNumber(t))}</text>`,
    );
  }
  for (const t of ticks(y0, y1, 5)) {
    const y = px(sy(t));
    grid.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    grid.push(
      `<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatNumber(t))}</text>`,
    );
  }
  out.push(...grid);
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${H - 10}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  spec.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<g clip-path="url(#plot)" data-series="${escapeXml(s.label)}">`);
    for (const points of runs(s, sx, sy))
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.8"${dash} points="${points}"/>`);
    if (s.error)
      for (let i = 0; i < s.x.length; i++) {
        const [x, y, e] = [s.x[i], s.y[i], s.error[i]];
        if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(e) || e <= 0) continue;
        out.push(
          `<line x1="${px(sx(x))}" x2="${px(sx(x))}" y1="${px(sy(y - e))}" y2="${px(sy(y + e))}" stroke="${color}" stroke-opacity="0.6"/>`,
        );
      }
    out.push('</g>');
    const ly = MARGIN.top + 14 + 16 * k;
    // Right-aligned legend, as wide as its longest label (~6.5 px per character at 12 px).
    const longest = Math.max(...spec.series.map((u) => u.label.length));
    const lx = MARGIN.left + plotW - 40 - Math.min(plotW / 2, 6.5 * longest);
    out.push(
      `<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="1.8"${dash}/>`,
      `<text x="${lx + 28}" y="${ly}" dominant-baseline="middle">${escapeXml(s.label)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
