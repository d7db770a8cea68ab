/** Turning flat sample batches into what the viewer draws. Pure and unit-tested. */

export interface Layout {
  particles: number;
  radius: number;
  box: { min: [number, number]; max: [number, number] };
  highlighted: number[];
}

/** Number of configurations in a flat row-major batch. */
export function configurationCount(x: ArrayLike<number>, dim: number): number {
  return dim > 0 ? Math.floor(x.length / dim) : 0;
}

/**
 * Positions (x, y) of every particle of configurations `indices` as one flat array, plus the
 * index of the configuration each particle belongs to (for per-configuration colour).
 * Particle systems store x = (x₀, y₀, x₁, y₁, …); a 2D system is one "particle" per configuration.
 */
export function particlePositions(
  x: ArrayLike<number>,
  dim: number,
  indices: readonly number[],
  particles: number,
): { xy: Float32Array; owner: Uint32Array; particleIndex: Uint32Array } {
  const per = particles > 0 ? particles : 1;
  const xy = new Float32Array(indices.length * per * 2);
  const owner = new Uint32Array(indices.length * per);
  const particleIndex = new Uint32Array(indices.length * per);
  let k = 0;
  for (const c of indices) {
    const off = c * dim;
    for (let p = 0; p < per; p++) {
      xy[2 * k] = x[off + 2 * p];
      xy[2 * k + 1] = dim >= 2 ? x[off + 2 * p + 1] : 0;
      owner[k] = c;
      particleIndex[k] = p;
      k++;
    }
  }
  return { xy, owner, particleIndex };
}

/** Bounding box of a 2D point cloud, padded by `pad` of its size (for 2D systems without a box). */
export function boundsOf(
  xy: ArrayLike<number>,
  pad = 0.05,
): { min: [number, number]; max: [number, number] } {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i + 1 < xy.length; i += 2) {
    const a = xy[i];
    const b = xy[i + 1];
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    if (a < x0) x0 = a;
    if (a > x1) x1 = a;
    if (b < y0) y0 = b;
    if (b > y1) y1 = b;
  }
  if (!Number.isFinite(x0)) return { min: [-1, -1], max: [1, 1] };
  const px = Math.max(1e-6, (x1 - x0) * pad);
  const py = Math.max(1e-6, (y1 - y0) * pad);
  return { min: [x0 - px, y0 - py], max: [x1 + px, y1 + py] };
}

/** Indices shown: every configuration (overlay, capped) or only the current one (scrub). */
export function visibleIndices(n: number, current: number, overlay: boolean, cap = 1000): number[] {
  if (n <= 0) return [];
  if (!overlay) return [Math.min(n - 1, Math.max(0, current))];
  const m = Math.min(n, cap);
  return Array.from({ length: m }, (_, i) => i);
}
