/**
 * 2D free-energy surface F(x, y) = −τ ln Σ_{bin} w in kT₀, shifted so min F = 0, for 2D plots.
 * Bins worth fewer than 0.01 average samples are NaN (not drawn).
 */
import { binIndex, relativeWeights } from './histogram.js';
import { MIN_BIN_SAMPLES } from './freeEnergy.js';

export interface FreeEnergySurface {
  xCenters: Float64Array;
  yCenters: Float64Array;
  /** nx·ny values, row-major with x as the slow index: F[ix·ny + iy]; NaN where dropped. */
  F: Float64Array;
}

export function freeEnergySurface(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  logWeights: ArrayLike<number> | null,
  opts: {
    bins: readonly [number, number];
    range: readonly [readonly [number, number], readonly [number, number]];
    temperature: number;
  },
): FreeEnergySurface {
  const [nx, ny] = opts.bins;
  const [[x0, x1], [y0, y1]] = opts.range;
  if (x.length !== y.length) throw new Error(`x has ${x.length} values, y has ${y.length}`);
  const n = x.length;
  const w = relativeWeights(logWeights, n);
  const bw = new Float64Array(nx * ny);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += w[i];
    const ix = binIndex(x[i], x0, x1, nx);
    const iy = binIndex(y[i], y0, y1, ny);
    if (ix >= 0 && iy >= 0) bw[ix * ny + iy] += w[i];
  }
  const mean = total / Math.max(n, 1);
  const F = new Float64Array(nx * ny);
  let min = Infinity;
  for (let k = 0; k < F.length; k++) {
    F[k] = bw[k] > 0 && bw[k] / mean >= MIN_BIN_SAMPLES ? -opts.temperature * Math.log(bw[k]) : NaN;
    if (F[k] < min) min = F[k];
  }
  for (let k = 0; k < F.length; k++) F[k] -= min;
  const xCenters = new Float64Array(nx).map((_, i) => x0 + ((i + 0.5) * (x1 - x0)) / nx);
  const yCenters = new Float64Array(ny).map((_, i) => y0 + ((i + 0.5) * (y1 - y0)) / ny);
  return { xCenters, yCenters, F };
}
