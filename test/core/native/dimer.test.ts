import { describe, expect, it } from 'vitest';
import { nativeAddon } from '../../../src/core/native/addon.js';
import { Rng } from '../../../src/core/random.js';
import { Dimer } from '../../../src/core/systems/dimer.js';

const wanted = process.env.BGW_NATIVE !== '0';

describe('native dimer kernel', () => {
  it('is loaded where the addon is built', () => {
    expect(nativeAddon() !== null).toBe(wanted);
  });

  it.runIf(wanted)(
    'gives the TypeScript loop energies and forces to 1e-12, from float32 and float64 input',
    () => {
      for (const slope of [2.0, -0.5]) {
        const dimer = new Dimer({ slope });
        const rng = new Rng(3);
        const n = 200;
        // Jittered closed and open configurations, some squeezed against the walls and each other.
        const [closed, open] = dimer.initialConfigurations();
        const x64 = new Float64Array(n * dimer.dim);
        for (let i = 0; i < n; i++) {
          const base = i % 2 ? open : closed;
          const noise = rng.normals(dimer.dim, i % 10 === 0 ? 0.6 : 0.05);
          for (let k = 0; k < dimer.dim; k++)
            x64[i * dimer.dim + k] = base[k] * (i % 7 === 0 ? 1.3 : 1) + noise[k];
        }
        for (const x of [x64, Float32Array.from(x64)]) {
          const fRef = new Float64Array(n * dimer.dim);
          const uRef = dimer.computeHere(x, n, fRef);
          const { energy, forces } = dimer.energyAndForces(x, n);
          const uOnly = dimer.energy(x, n);
          for (let i = 0; i < n; i++) {
            expect(Math.abs(energy[i] - uRef[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(uRef[i])));
            expect(uOnly[i]).toBe(energy[i]);
          }
          let scale = 0;
          let err = 0;
          for (let k = 0; k < forces.length; k++) {
            scale = Math.max(scale, Math.abs(fRef[k]));
            err = Math.max(err, Math.abs(forces[k] - fRef[k]));
          }
          expect(err / scale).toBeLessThan(1e-12);
        }
      }
    },
  );

  it.runIf(wanted)('rejects arrays too short for n configurations', () => {
    const addon = nativeAddon()!;
    const params = new Float64Array(9).fill(1);
    expect(() => addon.dimer(new Float32Array(76), 2, params, new Float64Array(2), null)).toThrow(
      /fewer than n/,
    );
    expect(() =>
      addon.dimer(new Float32Array(76), 1, params, new Float64Array(1), new Float64Array(10)),
    ).toThrow(/forces too short/);
    expect(() =>
      addon.dimer(new Float32Array(76), 1, new Float64Array(3), new Float64Array(1), null),
    ).toThrow(/params/);
  });
});
