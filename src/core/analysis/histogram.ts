/** Weighted 1D histogram on a fixed range; values outside the range are left out. */

export interface Histogram {
  edges: Float64Array;
  centers: Float64Array;
  /** Σ w per bin, with w = exp(logWeight − max logWeight) (relative weights; 1 when unweighted). */
  weights: Float64Array;
  /** Number of samples per bin. */
  counts: Float64Array;
}

export function binIndex(v: number, lo: number, hi: number, bins: number): number {
  if (!(v >= lo && v <= hi)) return -1;
  const k = Math.floor(((v - lo) / (hi - lo)) * bins);
  return k === bins ? bins - 1 : k;
}

/** exp(logWeights − max), or all ones when null. */
export function relativeWeights(logWeights: ArrayLike<number> | null, n: number): Float64Array {
  const w = new Float64Array(n);
  if (!logWeights) return w.fill(1);
  if (logWeights.length !== n) throw new Error(`logWeights has ${logWeights.length} entries for ${n} values`);
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logWeights[i] > max) max = logWeights[i];
  for (let i = 0; i < n; i++) w[i] = Number.isFinite(max) ? Math.exp(logWeights[i] - max) : 0;
  return w;
}

export function weightedHistogram(
  values: ArrayLike<number>,
  logWeights: ArrayLike<number> | null,
  opts: { bins: number; range: readonly [number, number] },
): Histogram {
  const { bins } = opts;
  const [lo, hi] = opts.range;
  if (!(bins > 0) || !(hi > lo)) throw new Error(`Bad histogram: bins ${bins}, range [${lo}, ${hi}]`);
  const edges = new Float64Array(bins + 1);
  const centers = new Float64Array(bins);
  for (let k = 0; k <= bins; k++) edges[k] = lo + ((hi - lo) * k) / bins;
  for (let k = 0; k < bins; k++) centers[k] = 0.5 * (edges[k] + edges[k + 1]);
  const w = relativeWeights(logWeights, values.length);
  const weights = new Float64Array(bins);
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    const k = binIndex(values[i], lo, hi, bins);
    if (k < 0) continue;
    weights[k] += w[i];
    counts[k] += 1;
  }
  return { edges, centers, weights, counts };
}
