/** Viridis colour map and value → colour scaling for the viewer and its legend. */

// Eleven stops of matplotlib's viridis; a lookup table is smaller than a dependency for one map.
const VIRIDIS: readonly [number, number, number][] = [
  [0.267, 0.005, 0.329],
  [0.283, 0.141, 0.458],
  [0.254, 0.265, 0.53],
  [0.207, 0.372, 0.553],
  [0.164, 0.471, 0.558],
  [0.128, 0.567, 0.551],
  [0.135, 0.659, 0.518],
  [0.267, 0.749, 0.441],
  [0.478, 0.821, 0.318],
  [0.741, 0.873, 0.15],
  [0.993, 0.906, 0.144],
];

/** Colour at t ∈ [0, 1] (clamped), as linear RGB in [0, 1]. */
export function viridis(t: number): [number, number, number] {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const f = x * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(f));
  const u = f - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [a[0] + u * (b[0] - a[0]), a[1] + u * (b[1] - a[1]), a[2] + u * (b[2] - a[2])];
}

/** CSS gradient for the legend bar. */
export function viridisGradient(direction = 'to right'): string {
  const stops = VIRIDIS.map(([r, g, b], i) => {
    const c = `rgb(${Math.round(r * 255)} ${Math.round(g * 255)} ${Math.round(b * 255)})`;
    return `${c} ${Math.round((i / (VIRIDIS.length - 1)) * 100)}%`;
  });
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}

/**
 * Colour range robust to outliers: the p-th and (1−p)-th quantiles of the finite values.
 * Generated samples have a long high-energy tail that would wash out a min/max scale.
 */
export function robustRange(values: ArrayLike<number>, p = 0.02): [number, number] {
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) v.push(values[i]);
  if (v.length === 0) return [0, 1];
  v.sort((a, b) => a - b);
  const q = (f: number) => v[Math.min(v.length - 1, Math.max(0, Math.round(f * (v.length - 1))))];
  let lo = q(p);
  let hi = q(1 - p);
  if (hi <= lo) {
    lo = v[0];
    hi = v[v.length - 1];
  }
  if (hi <= lo) hi = lo + 1;
  return [lo, hi];
}

/** Per-value RGB triples (flat), scaled over `range`. */
export function colorsFor(values: ArrayLike<number>, range: [number, number]): Float32Array {
  const out = new Float32Array(values.length * 3);
  const span = range[1] - range[0] || 1;
  for (let i = 0; i < values.length; i++) {
    const c = viridis((values[i] - range[0]) / span);
    out[3 * i] = c[0];
    out[3 * i + 1] = c[1];
    out[3 * i + 2] = c[2];
  }
  return out;
}
