/**
 * Pure shaping for the learned-map plot: a square-aspect view box around the grid and overlays,
 * SVG path strings for the warped grid lines, and "nice" axis ticks. Hand-written SVG (not uPlot):
 * the warped lines are parametric curves, not functions of x.
 */
export type Pt = readonly [number, number];

export interface View {
  x: [number, number];
  y: [number, number];
}

/** Box around every point, padded by `pad` of its larger side, equal scale on both axes. */
export function viewOf(sets: readonly (readonly Pt[])[], pad = 0.05): View {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const s of sets)
    for (const [a, b] of s) {
      if (a < x0) x0 = a;
      if (a > x1) x1 = a;
      if (b < y0) y0 = b;
      if (b > y1) y1 = b;
    }
  if (!(x1 >= x0) || !(y1 >= y0)) return { x: [-1, 1], y: [-1, 1] };
  const half = (Math.max(x1 - x0, y1 - y0, 1e-9) / 2) * (1 + 2 * pad);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return { x: [cx - half, cx + half], y: [cy - half, cy + half] };
}

/** Data → pixel maps for a `size`×`size` plot area (y grows upwards on screen). */
export function scales(view: View, size: number): { sx: (v: number) => number; sy: (v: number) => number } {
  const kx = size / (view.x[1] - view.x[0]);
  const ky = size / (view.y[1] - view.y[0]);
  return { sx: (v) => (v - view.x[0]) * kx, sy: (v) => size - (v - view.y[0]) * ky };
}

/** One SVG path ("M … L …") for a polyline, in pixels with 0.1 px precision. */
export function pathOf(points: readonly Pt[], sx: (v: number) => number, sy: (v: number) => number): string {
  return points.map(([a, b], i) => `${i === 0 ? 'M' : 'L'}${sx(a).toFixed(1)} ${sy(b).toFixed(1)}`).join('');
}

export { ticks } from '../../../shared/plotScale.js';
