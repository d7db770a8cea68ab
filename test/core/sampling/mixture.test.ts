import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/core/backend.js';
import { ess } from '../../../src/core/analysis/ess.js';
import { deltaF, freeEnergyProfile } from '../../../src/core/analysis/freeEnergy.js';
import { referenceDeltaF, referenceProfile } from '../../../src/core/analysis/quadrature.js';
import { createFlow, type Flow } from '../../../src/core/flows/flow.js';
import { Rng } from '../../../src/core/random.js';
import { sampleGenerator } from '../../../src/core/sampling/generator.js';
import { poolSamples, pooledLogWeights } from '../../../src/core/sampling/mixture.js';
import { createSystem } from '../../../src/core/systems/catalog.js';

beforeAll(async () => {
  await initBackend();
});

const dw = createSystem({ id: 'double-well' });
const FLOW = {
  blocks: ['R', 'R', 'R', 'R'] as ('R' | 'N' | 'S')[],
  hidden: [16],
  activation: 'tanh' as const,
};

/** A flow far from the identity, so log|det J| varies from sample to sample. */
function randomFlow(seed: number): Flow {
  const rng = new Rng(seed);
  const flow = createFlow(FLOW, 2, rng);
  for (const { variable } of flow.variables()) {
    const n = variable.size;
    tf.tidy(() => variable.assign(tf.add(variable, tf.tensor(rng.normals(n, 0.15), variable.shape))));
  }
  return flow;
}

describe('mixture reweighting', () => {
  it('pooling one temperature reproduces its own weights up to a constant', () => {
    const flow = randomFlow(1);
    const s = sampleGenerator(flow, dw, 1, 2000, { rng: new Rng(2) });
    const lw = pooledLogWeights(poolSamples([s]), 1);
    const c = lw[0] - s.logWeights[0];
    let maxDiff = 0;
    for (let i = 0; i < s.n; i++) maxDiff = Math.max(maxDiff, Math.abs(lw[i] - s.logWeights[i] - c));
    expect(maxDiff).toBeLessThan(1e-4);
    flow.dispose();
  });

  it('the pooled density of the identity flow is the Gaussian mixture Σ (n_k/N) N(x; 0, τ_k I)', () => {
    const flow = createFlow(FLOW, 2, new Rng(3)); // starts as the identity
    const rng = new Rng(4);
    const sets = [sampleGenerator(flow, dw, 0.5, 300, { rng }), sampleGenerator(flow, dw, 2, 700, { rng })];
    const pool = poolSamples(sets);
    let j = 0;
    for (const s of sets) {
      for (let i = 0; i < s.n; i++, j++) {
        expect(s.x[2 * i]).toBeCloseTo(s.z[2 * i], 5);
        const r2 = s.x[2 * i] ** 2 + s.x[2 * i + 1] ** 2;
        const p =
          (0.3 * Math.exp(-r2 / 1)) / (2 * Math.PI * 0.5) + (0.7 * Math.exp(-r2 / 4)) / (2 * Math.PI * 2);
        expect(pool.logDensity[j]).toBeCloseTo(Math.log(p), 4);
      }
    }
    flow.dispose();
  });

  it('pooled temperatures reproduce the quadrature profile and ΔF better than the target τ alone', () => {
    const flow = randomFlow(5);
    const rng = new Rng(6);
    const temps = [0.5, 1, 2, 3];
    const sets = temps.map((t) => sampleGenerator(flow, dw, t, 20000, { rng }));
    const pool = poolSamples(sets);
    const rcAll = new Float64Array(pool.n);
    sets.forEach((s, k) => rcAll.set(dw.reactionCoordinate.compute(s.x, s.n), k * s.n));
    const tau = 0.5;
    const opts = { bins: 40, range: [-2.5, 2.5] as const, temperature: tau, bootstrap: 0, rng: new Rng(7) };
    const ref = new Map(referenceProfile(dw, opts).map((b) => [b.rc.toFixed(9), b.F]));
    // Largest deviation over bins the estimate keeps that lie up to 6 kT₀ above the minimum.
    const maxDev = (profile: { rc: number; F: number }[]): number =>
      Math.max(
        ...profile
          .filter((b) => ref.get(b.rc.toFixed(9))! <= 6)
          .map((b) => Math.abs(b.F - ref.get(b.rc.toFixed(9))!)),
      );
    const single = sets[0];
    const singleRc = dw.reactionCoordinate.compute(single.x, single.n);
    const lw = pooledLogWeights(pool, tau);
    const pooledDev = maxDev(freeEnergyProfile(rcAll, lw, opts));
    const singleDev = maxDev(freeEnergyProfile(singleRc, single.logWeights, opts));
    expect(pooledDev).toBeLessThan(0.3);
    expect(pooledDev).toBeLessThan(singleDev);
    expect(ess(lw)).toBeGreaterThan(ess(single.logWeights));
    const dF = deltaF(rcAll, lw, dw.states, tau, 0, new Rng(8)).value;
    expect(Math.abs(dF - referenceDeltaF(dw, tau))).toBeLessThan(0.1);
    flow.dispose();
  });
});
