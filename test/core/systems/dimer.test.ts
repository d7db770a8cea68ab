import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random.js';
import { createSystem } from '../../../src/core/systems/catalog.js';
import { Dimer, dimerInitialConfiguration } from '../../../src/core/systems/dimer.js';
import { finiteDifferenceForces } from './fd.js';
import { dimerTf, useCpuBackend } from './tfReference.js';

function concat(...xs: Float64Array[]): Float64Array {
  const out = new Float64Array(xs.reduce((s, x) => s + x.length, 0));
  let o = 0;
  for (const x of xs) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}

/** Initial configurations jittered, some pushed through the walls (scaled by 1.12). */
function randomConfigs(n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n * 76);
  for (let i = 0; i < n; i++) {
    const base = dimerInitialConfiguration(i % 2 === 0 ? 1.0 : 2.0, 3);
    const scale = i % 3 === 2 ? 1.12 : 1;
    for (let c = 0; c < 76; c++) out[i * 76 + c] = scale * base[c] + 0.08 * rng.normal();
  }
  return out;
}

describe('dimer', () => {
  beforeAll(useCpuBackend);

  it('reproduces the paper code unit-test energies (SCIENCE.md)', () => {
    const x = concat(dimerInitialConfiguration(1.0, 3), dimerInitialConfiguration(2.0, 3));
    const fig3 = createSystem({ id: 'dimer', preset: 'fig3' }).energy(x, 2);
    const table = createSystem({ id: 'dimer', preset: 'table' }).energy(x, 2);
    expect(fig3[0]).toBeCloseTo(5261.619327, 5);
    expect(Math.abs(fig3[0] / 5261.619327 - 1)).toBeLessThan(1e-9);
    expect(Math.abs(fig3[1] / 425.24701 - 1)).toBeLessThan(1e-9);
    expect(Math.abs(table[0] / 5263.869327 - 1)).toBeLessThan(1e-9);
    expect(Math.abs(table[1] / 422.24701 - 1)).toBeLessThan(1e-9);
  });

  it('initial configurations: 1.05-scaled dimer distances, grid inside the box, rc and states', () => {
    const sys = createSystem({ id: 'dimer' });
    const [closed, open] = sys.initialConfigurations();
    const rc = sys.reactionCoordinate.compute(concat(closed, open), 2);
    expect(rc[0]).toBeCloseTo(1.05, 12);
    expect(rc[1]).toBeCloseTo(2.1, 12);
    expect(rc[0]).toBeLessThan(sys.states[0].max ?? Infinity);
    expect(rc[1]).toBeGreaterThanOrEqual(sys.states[1].min ?? -Infinity);
    expect(Math.max(...Array.from(closed, Math.abs))).toBeCloseTo(3.0, 12);
    expect(sys.layout?.particles).toBe(38);
    expect(sys.layout?.highlighted).toEqual([0, 1]);
    expect(sys.layout?.box.max).toEqual([3, 3]);
  });

  it('forces match central finite differences (rel < 1e-3)', () => {
    const sys = new Dimer();
    const rng = new Rng(11);
    const n = 6;
    const x = randomConfigs(n, rng);
    const { energy, forces } = sys.energyAndForces(x, n);
    expect(Array.from(energy)).toEqual(Array.from(sys.energy(x, n)));
    const fd = finiteDifferenceForces(sys, x, n, 1e-6);
    for (let i = 0; i < n; i++) {
      let num = 0;
      let den = 0;
      for (let c = 0; c < 76; c++) {
        num += (forces[i * 76 + c] - fd[i * 76 + c]) ** 2;
        den += fd[i * 76 + c] ** 2;
      }
      expect(Math.sqrt(num / den)).toBeLessThan(1e-3);
    }
  });

  it('energies equal a tfjs tensor-op implementation (rel 1e-5), both presets and edited parameters', () => {
    const rng = new Rng(5);
    const n = 12;
    // Rounded to float32 first: both implementations then see the same coordinates.
    const x = Float64Array.from(Float32Array.from(randomConfigs(n, rng)));
    const paramSets: Record<string, number>[] = [
      {},
      { slope: -0.5 },
      { eps: 0.7, rm: 1.0, a: 20, b: 8, dmid: 1.4, kd: 10, L: 2.9, kbox: 50 },
    ];
    for (const params of paramSets) {
      const sys = createSystem({ id: 'dimer', params });
      const mine = sys.energy(x, n);
      const ref = dimerTf(x, n, sys.params as Record<string, number>);
      for (let i = 0; i < n; i++)
        expect(Math.abs(mine[i] - ref[i]) / Math.max(1, Math.abs(ref[i]))).toBeLessThan(1e-5);
    }
  });

  it('accepts float32 batches', () => {
    const sys = new Dimer();
    const x = dimerInitialConfiguration(2.0, 3);
    const e32 = sys.energy(Float32Array.from(x), 1)[0];
    expect(Math.abs(e32 / sys.energy(x, 1)[0] - 1)).toBeLessThan(1e-5);
  });
});
