import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend.js';
import { ess } from '../../../src/core/analysis/ess.js';
import { deltaF, stateOf } from '../../../src/core/analysis/freeEnergy.js';
import { referenceDeltaF } from '../../../src/core/analysis/quadrature.js';
import { createFlow } from '../../../src/core/flows/flow.js';
import { Rng } from '../../../src/core/random.js';
import {
  adaptiveBeta,
  annealSamples,
  annealSchedule,
  pickWalkers,
} from '../../../src/core/sampling/annealed.js';
import { sampleGenerator } from '../../../src/core/sampling/generator.js';
import { createSystem } from '../../../src/core/systems/catalog.js';

beforeAll(async () => {
  await initBackend();
});

const dw = createSystem({ id: 'double-well' });
// Untrained: the flow starts as the identity, so q is the plain Gaussian N(0, τI), far from the
// double well (wells at x₁ ≈ ±2, a barrier of several kT at 0).
const identity = () => createFlow({ blocks: ['R', 'R'], hidden: [8], activation: 'tanh' }, 2, new Rng(1));

describe('annealed importance sampling', () => {
  it('the schedule runs from 0 to 1, increasing, smallest steps first', () => {
    const b = annealSchedule(10);
    expect(b[0]).toBe(0);
    expect(b[10]).toBe(1);
    for (let k = 1; k <= 10; k++) expect(b[k]).toBeGreaterThan(b[k - 1]);
    expect(b[1] - b[0]).toBeLessThan(b[10] - b[9]);
  });

  it('one level without moves returns the generator’s own weights', async () => {
    const flow = identity();
    const start = sampleGenerator(flow, dw, 1, 500, { rng: new Rng(2) });
    const { samples } = await annealSamples(flow, dw, start, { levels: 1, moves: 0, rng: new Rng(3) });
    for (let i = 0; i < start.n; i++) expect(samples.logWeights[i]).toBeCloseTo(start.logWeights[i], 9);
    expect(Array.from(samples.x)).toEqual(Array.from(start.x));
    flow.dispose();
  });

  it('turns a Gaussian into the double well: ΔF matches quadrature, ESS far above one-jump weights', async () => {
    const flow = identity();
    const tau = 1;
    const start = sampleGenerator(flow, dw, tau, 4000, { rng: new Rng(4) });
    const { samples, acceptance } = await annealSamples(flow, dw, start, {
      levels: 60,
      moves: 2,
      rng: new Rng(5),
    });
    const rc0 = dw.reactionCoordinate.compute(start.x, start.n);
    const rc = dw.reactionCoordinate.compute(samples.x, samples.n);
    const dF = deltaF(rc, samples.logWeights, dw.states, tau, 0, new Rng(6)).value;
    const dF0 = deltaF(rc0, start.logWeights, dw.states, tau, 0, new Rng(6)).value;
    const ref = referenceDeltaF(dw, tau);
    expect(Math.abs(dF - ref)).toBeLessThan(0.1);
    expect(Math.abs(dF - ref)).toBeLessThan(Math.abs(dF0 - ref) + 0.05);
    expect(ess(samples.logWeights)).toBeGreaterThan(3 * ess(start.logWeights));
    expect(acceptance).toBeGreaterThan(0.1);
    // The energies carried along are those of the final configurations.
    const u = dw.energy(samples.x, samples.n);
    for (let i = 0; i < samples.n; i += 97) expect(samples.energy[i]).toBeCloseTo(u[i], 9);
    flow.dispose();
  });

  it('picks at most k per state at random, each weighted by state size / picked', () => {
    const state = Int32Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : 0)); // 900 / 100
    const { pick, logFactor } = pickWalkers(state, 150, new Rng(8));
    const picked = [0, 1].map((s) => Array.from(pick).filter((i) => state[i] === s));
    expect(picked.map((p) => p.length)).toEqual([150, 100]);
    for (let i = 1; i < pick.length; i++) expect(pick[i]).toBeGreaterThan(pick[i - 1]);
    // Σ factor over a state's picks = its size: the weight sums stay unbiased.
    const sum = [0, 0];
    pick.forEach((j, i) => (sum[state[j]] += Math.exp(logFactor[i])));
    expect(sum[0]).toBeCloseTo(900, 6);
    expect(sum[1]).toBeCloseTo(100, 6);
    expect(pickWalkers(state, Infinity, new Rng(9)).pick.length).toBe(1000);
  });

  it('keeps every walker in its state, and balanced walkers still give the quadrature ΔF', async () => {
    const flow = identity();
    const tau = 0.5;
    const start = sampleGenerator(flow, dw, tau, 20000, { rng: new Rng(10) });
    const before = stateOf(dw.reactionCoordinate.compute(start.x, start.n), dw.states);
    const { samples } = await annealSamples(flow, dw, start, {
      levels: 40,
      moves: 2,
      walkersPerState: 1000,
      rng: new Rng(11),
    });
    expect(samples.n).toBe(2000);
    const rc = dw.reactionCoordinate.compute(samples.x, samples.n);
    const after = stateOf(rc, dw.states);
    // The generator (an untrained Gaussian) puts half its samples in each well, as do the picks.
    expect(after.filter((s) => s === 1).length).toBe(1000);
    expect(before.filter((s) => s === 1).length).toBeGreaterThan(9000);
    const dF = deltaF(rc, samples.logWeights, dw.states, tau, 0, new Rng(12)).value;
    expect(Math.abs(dF - referenceDeltaF(dw, tau))).toBeLessThan(0.1);
    flow.dispose();
  });

  it('anneals a start drawn hotter to the target temperature: retargeted weights, quadrature ΔF', async () => {
    const flow = identity();
    const tau = 0.5;
    const hot = 1.5;
    const start = sampleGenerator(flow, dw, hot, 20000, { rng: new Rng(13) });
    // One level without moves: importance sampling from the hot generator, weighed for p at τ.
    const jump = await annealSamples(flow, dw, start, {
      levels: 1,
      moves: 0,
      temperature: tau,
      rng: new Rng(14),
    });
    expect(jump.samples.temperature).toBe(tau);
    for (let i = 0; i < start.n; i += 101) {
      const retargeted = start.logWeights[i] + start.energy[i] / hot - start.energy[i] / tau;
      expect(jump.samples.logWeights[i]).toBeCloseTo(retargeted, 9);
    }
    // A sample of infinite energy keeps its zero weight (not ∞ − ∞ = NaN).
    const broken = { ...start, energy: start.energy.slice(), logWeights: start.logWeights.slice() };
    broken.energy[0] = Infinity;
    broken.logWeights[0] = -Infinity;
    const kept = await annealSamples(flow, dw, broken, {
      levels: 1,
      moves: 0,
      temperature: tau,
      rng: new Rng(14),
    });
    expect(kept.samples.logWeights[0]).toBe(-Infinity);
    const { samples } = await annealSamples(flow, dw, start, {
      levels: 40,
      moves: 2,
      proposal: 'hmc',
      leapfrog: 3,
      cess: 0.95,
      resampleBelow: 0.5,
      walkersPerState: 1000,
      temperature: tau,
      rng: new Rng(15),
    });
    const rc = dw.reactionCoordinate.compute(samples.x, samples.n);
    const dF = deltaF(rc, samples.logWeights, dw.states, tau, 0, new Rng(16)).value;
    expect(Math.abs(dF - referenceDeltaF(dw, tau))).toBeLessThan(0.1);
    await expect(
      annealSamples(flow, dw, start, { levels: 1, temperature: 0, rng: new Rng(17) }),
    ).rejects.toThrow(/temperature must be positive/);
    flow.dispose();
  });
});

describe('annealing proposals and resampling', () => {
  // A stiffer x₂ (k = 4) than the generator's N(0, τ): the moves must narrow it to Var = τ/k.
  const stiff = createSystem({ id: 'double-well', params: { k: 4 } });

  it.each([
    ['Langevin', { proposal: 'langevin' as const, moves: 60 }],
    ['HMC', { proposal: 'hmc' as const, moves: 20, leapfrog: 3 }],
  ])('%s moves leave the Boltzmann density invariant: Var x₂ goes from τ to τ/k', async (_, moves) => {
    const flow = identity();
    const tau = 1;
    const start = sampleGenerator(flow, stiff, tau, 3000, { rng: new Rng(20) });
    // One level (β = 1 at once), then many moves: a plain MCMC run on p from the generator's samples.
    const { samples, acceptance } = await annealSamples(flow, stiff, start, {
      levels: 1,
      stepSize: 0.5,
      rng: new Rng(21),
      ...moves,
    });
    let s2 = 0;
    for (let i = 0; i < samples.n; i++) s2 += samples.x[i * 2 + 1] ** 2;
    expect(s2 / samples.n).toBeCloseTo(tau / 4, 1);
    expect(acceptance).toBeGreaterThan(0.4);
    flow.dispose();
  });

  it('an adaptive step keeps the conditional ESS at its target, and takes the rest at once', () => {
    const rng = new Rng(27);
    const m = 400;
    const gap = Float64Array.from({ length: m }, () => -50 + 20 * rng.normal());
    const logW = Float64Array.from({ length: m }, () => rng.normal());
    const groups = [Int32Array.from({ length: m }, (_, i) => i)];
    const cessOf = (step: number): number => {
      const w = Array.from(logW, (l, i) => Math.exp(l + step * (gap[i] + 50)));
      const w0 = Array.from(logW, Math.exp);
      const sum0 = w0.reduce((s, v) => s + v, 0);
      const s1 = w.reduce((s, v) => s + v, 0) / sum0;
      const s2 = w.reduce((s, v, i) => s + (v * v) / w0[i], 0) / sum0;
      return (s1 * s1) / s2;
    };
    const next = adaptiveBeta(0.2, gap, logW, groups, 0.9);
    expect(next).toBeGreaterThan(0.2);
    expect(next).toBeLessThan(1);
    expect(cessOf(next - 0.2)).toBeCloseTo(0.9, 6);
    // Equal gaps change no weight ratio: the whole rest of the way is one step.
    expect(adaptiveBeta(0.2, new Float64Array(m).fill(-7), logW, groups, 0.9)).toBe(1);
  });

  it('Langevin annealing and resampled (SMC) annealing both give the quadrature ΔF', async () => {
    const tau = 1;
    const ref = referenceDeltaF(stiff, tau);
    for (const options of [
      { proposal: 'langevin' as const },
      { resampleBelow: 0.9 },
      // Adaptive levels (at most 40) with HMC moves and resampling.
      { proposal: 'hmc' as const, leapfrog: 3, cess: 0.95, resampleBelow: 0.5 },
    ]) {
      const flow = identity();
      const start = sampleGenerator(flow, stiff, tau, 20000, { rng: new Rng(22) });
      const result = await annealSamples(flow, stiff, start, {
        levels: 40,
        moves: 2,
        walkersPerState: 1000,
        rng: new Rng(23),
        ...options,
      });
      const rc = stiff.reactionCoordinate.compute(result.samples.x, result.samples.n);
      const dF = deltaF(rc, result.samples.logWeights, stiff.states, tau, 0, new Rng(24)).value;
      expect(Math.abs(dF - ref)).toBeLessThan(0.1);
      expect(result.resamplings > 0).toBe('resampleBelow' in options);
      if ('cess' in options) expect(result.levels).toBeLessThan(40);
      else expect(result.levels).toBe(40);
      flow.dispose();
    }
  });

  it('resampling keeps each state’s walkers in their state and its weight sum', async () => {
    const flow = identity();
    const tau = 0.5;
    const start = sampleGenerator(flow, stiff, tau, 4000, { rng: new Rng(25) });
    const common = { levels: 1, moves: 0, walkersPerState: 300, rng: new Rng(26) };
    const plain = await annealSamples(flow, stiff, start, common);
    // One population: the weight sums are those of the whole state.
    const resampled = await annealSamples(flow, stiff, start, {
      ...common,
      rng: new Rng(26),
      resampleBelow: 1,
      islands: 1,
    });
    expect(resampled.resamplings).toBe(2);
    const states = (r: typeof plain) =>
      stateOf(stiff.reactionCoordinate.compute(r.samples.x, r.samples.n), stiff.states);
    const [sp, sr] = [states(plain), states(resampled)];
    for (const s of [0, 1]) {
      const sum = (r: typeof plain, st: Int32Array) =>
        r.samples.logWeights.reduce((t, w, i) => t + (st[i] === s ? Math.exp(w) : 0), 0);
      expect(sr.filter((v) => v === s).length).toBe(sp.filter((v) => v === s).length);
      expect(sum(resampled, sr) / sum(plain, sp)).toBeCloseTo(1, 9);
    }
    // Resampled walkers all carry their state's mean weight.
    const lw = Array.from(resampled.samples.logWeights).filter((_, i) => sr[i] === 0);
    expect(Math.max(...lw) - Math.min(...lw)).toBeLessThan(1e-9);
    expect(resampled.samples.islands).toEqual(new Int32Array(600));
    expect(plain.samples.islands).toBeNull();
    flow.dispose();
  });
});
