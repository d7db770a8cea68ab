import { describe, expect, it } from 'vitest';
import { referenceDeltaF, referenceProfile } from '../../../src/core/analysis/quadrature.js';
import { createSystem } from '../../../src/core/systems/catalog.js';

/** Independent 1D Simpson integral of exp(−(x⁴ − 6x² + x)/τ) on [a, b]. */
function simpson(a: number, b: number, tau: number): number {
  const m = 20000;
  const h = (b - a) / m;
  let s = 0;
  for (let j = 0; j <= m; j++) {
    const x = a + j * h;
    s += (j === 0 || j === m ? 1 : j % 2 ? 4 : 2) * Math.exp(-(x ** 4 - 6 * x * x + x) / tau);
  }
  return (s * h) / 3;
}

describe('quadrature references', () => {
  it('double well ΔF equals an independent 1D integration', () => {
    const dw = createSystem({ id: 'double-well' });
    for (const tau of [0.5, 1, 2]) {
      const exact = -tau * Math.log(simpson(0, 4, tau) / simpson(-4, 0, tau));
      expect(Math.abs(referenceDeltaF(dw, tau) - exact)).toBeLessThan(1e-6);
    }
  });

  it('double well profile is the 1D free energy x⁴ − 6x² + x on bins', () => {
    const dw = createSystem({ id: 'double-well' });
    const prof = referenceProfile(dw, { temperature: 1, bins: 20, range: [-2.5, 2.5] });
    const F = prof.map((p) => -Math.log(simpson(p.rc - 0.125, p.rc + 0.125, 1)));
    const min = Math.min(...F);
    prof.forEach((p, k) => expect(p.F).toBeCloseTo(F[k] - min, 6));
  });

  it('Müller–Brown projection agrees with brute-force binning of a 2D grid', () => {
    const mb = createSystem({ id: 'mueller-brown' });
    const bins = 15;
    const range: [number, number] = [-1.8, 0.9];
    const prof = referenceProfile(mb, { temperature: 1, bins, range });
    // Independent oracle: fine axis-aligned grid, every point binned by its rc.
    const m = 1200;
    const xs = new Float64Array(2 * m * m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        xs[2 * (i * m + j)] = -2 + (3.5 * (i + 0.5)) / m;
        xs[2 * (i * m + j) + 1] = -1 + (4 * (j + 0.5)) / m;
      }
    }
    const u = mb.energy(xs, m * m);
    const rc = mb.reactionCoordinate.compute(xs, m * m);
    const mass = new Float64Array(bins);
    for (let p = 0; p < m * m; p++) {
      const k = Math.floor(((rc[p] - range[0]) / (range[1] - range[0])) * bins);
      if (k >= 0 && k < bins) mass[k] += Math.exp(-(u[p] + 15));
    }
    const F = Array.from(mass, (v) => -Math.log(v));
    const min = Math.min(...F);
    expect(prof.length).toBe(bins);
    prof.forEach((p, k) => expect(Math.abs(p.F - (F[k] - min))).toBeLessThan(0.02));
    // The named states are separated by the barrier: ΔF(A→B) is positive (A is the deepest basin).
    expect(referenceDeltaF(mb, 1)).toBeGreaterThan(1);
  });
});
