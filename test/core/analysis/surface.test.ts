import { describe, expect, it } from 'vitest';
import { freeEnergySurface } from '../../../src/core/analysis/surface.js';
import { Rng } from '../../../src/core/random.js';

describe('freeEnergySurface', () => {
  it('matches an anisotropic Gaussian density (x slow index) and leaves empty bins NaN', () => {
    const rng = new Rng(1);
    const n = 400_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = rng.normal();
      y[i] = 0.5 * rng.normal();
    }
    const s = freeEnergySurface(x, y, null, {
      bins: [8, 6],
      range: [
        [-2, 2],
        [-3, 3],
      ],
      temperature: 1,
    });
    expect(s.F.length).toBe(48);
    // y beyond ±2 (4σ of 0.5) at these counts: the outermost y bins are empty or nearly so.
    expect(Number.isNaN(s.F[0 * 6 + 0]) || s.F[0] > 8).toBe(true);
    // Exact: F = x²/2 + 2y² (+const); compare central bins (x index 2..5, y index 2..3).
    const pairs: [number, number][] = [];
    for (let ix = 2; ix < 6; ix++) {
      for (let iy = 2; iy < 4; iy++) {
        const xc = s.xCenters[ix];
        const yc = s.yCenters[iy];
        pairs.push([s.F[ix * 6 + iy], (xc * xc) / 2 + 2 * yc * yc]);
      }
    }
    const off = pairs.reduce((a, [f, e]) => a + f - e, 0) / pairs.length;
    // Bin averaging of a convex F biases each bin by about h²/24·F'' (≤ 0.09 for y): allow 0.12.
    for (const [f, e] of pairs) expect(Math.abs(f - e - off)).toBeLessThan(0.12);
    expect(Math.min(...Array.from(s.F).filter(Number.isFinite))).toBe(0);
  });

  it('uses log weights and τ, and drops bins worth fewer than 0.01 samples', () => {
    const x = Float64Array.of(0.5, 0.5, 1.5, 2.5);
    const y = Float64Array.of(0.5, 0.5, 0.5, 0.5);
    const lw = Float64Array.of(0, 0, Math.log(4), Math.log(0.001));
    const s = freeEnergySurface(x, y, lw, {
      bins: [4, 1],
      range: [
        [0, 4],
        [0, 1],
      ],
      temperature: 2,
    });
    expect(s.F[0]).toBeCloseTo(-2 * Math.log(2 / 4), 12);
    expect(s.F[1]).toBe(0);
    expect(Number.isNaN(s.F[2])).toBe(true);
    expect(Number.isNaN(s.F[3])).toBe(true);
  });
});
