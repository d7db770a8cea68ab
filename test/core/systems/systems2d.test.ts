import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random.js';
import { createSystem } from '../../../src/core/systems/catalog.js';
import { finiteDifferenceForces } from './fd.js';
import { doubleWellTf, muellerBrownTf, useCpuBackend } from './tfReference.js';

function randomPoints(n: number, rng: Rng, box: [number, number, number, number]): Float64Array {
  const x = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = box[0] + (box[1] - box[0]) * rng.uniform();
    x[2 * i + 1] = box[2] + (box[3] - box[2]) * rng.uniform();
  }
  return x;
}

const BOXES: Record<string, [number, number, number, number]> = {
  'double-well': [-2.5, 2.5, -3, 3],
  'mueller-brown': [-1.5, 1.2, -0.3, 2],
};

describe('2D systems', () => {
  beforeAll(useCpuBackend);

  for (const id of ['double-well', 'mueller-brown']) {
    it(`${id}: forces match central finite differences (rel < 1e-3)`, () => {
      const sys = createSystem({ id });
      const n = 50;
      const x = randomPoints(n, new Rng(3), BOXES[id]);
      const { energy, forces } = sys.energyAndForces(x, n);
      expect(Array.from(energy)).toEqual(Array.from(sys.energy(x, n)));
      const fd = finiteDifferenceForces(sys, x, n, 1e-6);
      for (let i = 0; i < n; i++) {
        const norm = Math.hypot(fd[2 * i], fd[2 * i + 1]);
        const diff = Math.hypot(forces[2 * i] - fd[2 * i], forces[2 * i + 1] - fd[2 * i + 1]);
        expect(diff / Math.max(norm, 1e-6)).toBeLessThan(1e-3);
      }
    });
  }

  it('energies equal tfjs tensor-op implementations (rel 1e-5)', () => {
    const n = 200;
    const dwParams = { a4: 1.3, a2: 5, a1: -0.5, k: 2 };
    const dw = createSystem({ id: 'double-well', params: dwParams });
    const x = Float64Array.from(Float32Array.from(randomPoints(n, new Rng(9), BOXES['double-well'])));
    const a = dw.energy(x, n);
    const b = doubleWellTf(x, n, dwParams);
    for (let i = 0; i < n; i++)
      expect(Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]))).toBeLessThan(1e-5);
    const mb = createSystem({ id: 'mueller-brown' });
    const y = Float64Array.from(Float32Array.from(randomPoints(n, new Rng(10), BOXES['mueller-brown'])));
    const c = mb.energy(y, n);
    const d = muellerBrownTf(y, n, 0.1);
    for (let i = 0; i < n; i++)
      expect(Math.abs(c[i] - d[i]) / Math.max(1, Math.abs(d[i]))).toBeLessThan(1e-5);
  });

  it('double well: rc is x1, minima near −1.77 and +1.69, states split at 0', () => {
    const sys = createSystem({ id: 'double-well' });
    // Minima are roots of 4x³ − 12x + 1 (bisection); the force vanishes there and the left well is deeper.
    const root = (lo: number, hi: number): number => {
      const f = (x: number): number => 4 * x ** 3 - 12 * x + 1;
      for (let i = 0; i < 60; i++) {
        const mid = 0.5 * (lo + hi);
        if (f(lo) * f(mid) <= 0) hi = mid;
        else lo = mid;
      }
      return lo;
    };
    const left = root(-2.5, -1);
    const right = root(1, 2.5);
    expect(left).toBeCloseTo(-1.77, 2);
    expect(right).toBeCloseTo(1.69, 2);
    const { energy, forces } = sys.energyAndForces(Float64Array.of(left, 0, right, 0), 2);
    expect(Math.abs(forces[0])).toBeLessThan(1e-9);
    expect(Math.abs(forces[2])).toBeLessThan(1e-9);
    expect(energy[0]).toBeLessThan(energy[1]);
    expect(Array.from(sys.reactionCoordinate.compute(Float64Array.of(-1.5, 2, 0.3, -1), 2))).toEqual([
      -1.5, 0.3,
    ]);
    expect(sys.states.map((s) => s.name)).toEqual(['left', 'right']);
  });

  it('Müller–Brown: initial configurations are minima in states A and B', () => {
    const sys = createSystem({ id: 'mueller-brown' });
    const starts = sys.initialConfigurations();
    const x = Float64Array.of(...starts[0], ...starts[1]);
    const { energy, forces } = sys.energyAndForces(x, 2);
    expect(energy[0]).toBeCloseTo(-14.67, 1);
    expect(energy[1]).toBeCloseTo(-10.82, 1);
    for (const f of forces) expect(Math.abs(f)).toBeLessThan(0.05);
    const rc = sys.reactionCoordinate.compute(x, 2);
    expect(rc[0]).toBeCloseTo(0.7 * (-0.558 - 1.442), 10);
    expect(rc[0]).toBeLessThan(sys.states[0].max ?? Infinity);
    expect(rc[1]).toBeGreaterThanOrEqual(sys.states[1].min ?? -Infinity);
  });
});
