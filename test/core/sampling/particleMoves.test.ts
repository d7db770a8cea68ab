import { describe, expect, it } from 'vitest';
import { umbrellaFreeEnergy } from '../../../src/core/analysis/umbrellaFreeEnergy.js';
import { Rng } from '../../../src/core/random.js';
import { metropolisRun, type MetropolisOptions } from '../../../src/core/sampling/metropolis.js';
import { particleSweeper } from '../../../src/core/sampling/particleMoves.js';
import { harmonicBias } from '../../../src/core/sampling/umbrella.js';
import { createSystem } from '../../../src/core/systems/catalog.js';
import type { EnergySystem } from '../../../src/core/systems/types.js';

const dimer = createSystem({ id: 'dimer', preset: 'fig3' });

/**
 * An ideal dimer (ε = 0: no repulsion) with a low barrier, so plain MC crosses it. The pair then
 * reduces to (Δx, Δy) = p₀ − p₁ with density ∝ exp(−(k_d·Δy²/2 + V(d))/τ) (the centre and mean y
 * integrate out; walls never reach it), and every solvent coordinate to its own 1D wall potential:
 * both by quadrature.
 */
const ideal = createSystem({ id: 'dimer', params: { eps: 0, a: 5, b: 2, slope: 0.5 } });

/** ⟨f(d)⟩ over the ideal pair, with an optional extra energy on d (an umbrella window). */
function pairAverage(
  system: EnergySystem,
  tau: number,
  f: (d: number) => number,
  extra: (d: number) => number = () => 0,
): number {
  const { kd, slope, a, b, dmid } = system.params;
  const h = 0.005;
  let sum = 0;
  let all = 0;
  for (let dx = -4 + h / 2; dx < 4; dx += h) {
    for (let dy = -2 + h / 2; dy < 2; dy += h) {
      const d = Math.hypot(dx, dy);
      const d0 = 2 * (d - dmid);
      const u = 0.5 * kd * dy * dy + slope * d0 - a * d0 * d0 + b * d0 ** 4 + extra(d);
      const w = Math.exp(-u / tau);
      all += w;
      sum += w * f(d);
    }
  }
  return sum / all;
}

function solventSecondMoment(system: EnergySystem, tau: number): number {
  const { L, kbox } = system.params;
  const h = 1e-4;
  let m2 = 0;
  let norm = 0;
  for (let c = -L - 1 + h / 2; c < L + 1; c += h) {
    const out = Math.max(0, Math.abs(c) - L);
    const w = Math.exp(-(2 * kbox * out * out) / tau);
    m2 += c * c * w;
    norm += w;
  }
  return m2 / norm;
}

/** 4 single-particle chains on the ideal dimer from the closed start, `frames` frames each. */
function idealRun(tau: number, frames: number, rng: Rng, bias?: MetropolisOptions['bias']) {
  return metropolisRun(
    ideal,
    {
      starts: [ideal.initialConfigurations()[0]],
      chainsPerStart: 4,
      samplesPerStart: 4 * frames,
      stride: 10,
      stepSize: 0.3,
      burnIn: 500,
      temperature: tau,
      moves: 'particle',
      bias,
    },
    rng,
  );
}

describe('single-particle Monte Carlo moves', () => {
  it('the dimer’s particle energy changes exactly as u when one particle moves', () => {
    const rng = new Rng(3);
    const x = dimer.initialConfigurations()[1].slice();
    for (let j = 0; j < x.length; j++) x[j] += 0.05 * rng.normal();
    for (const p of [0, 1, 2, 17, 37]) {
      const y = x.slice();
      y[2 * p] += 0.3 * rng.normal();
      y[2 * p + 1] += 0.3 * rng.normal();
      const du = dimer.energy(y, 1)[0] - dimer.energy(x, 1)[0];
      const dp = dimer.particleEnergy!(y, p) - dimer.particleEnergy!(x, p);
      expect(Math.abs(dp - du)).toBeLessThan(1e-9 * Math.max(1, Math.abs(du)));
    }
  });

  it('samples the ideal dimer: closed fraction and solvent spread match quadrature', () => {
    const tau = 1;
    const run = idealRun(tau, 4000, new Rng(5));
    expect(run.acceptance).toBeGreaterThan(0.3);
    const n = run.frames.length / ideal.dim;
    const d = ideal.reactionCoordinate.compute(run.frames, n);
    const closed = d.filter((v) => v < ideal.params.dmid).length / n;
    const exact = pairAverage(ideal, tau, (d) => (d < ideal.params.dmid ? 1 : 0));
    expect(exact).toBeGreaterThan(0.2);
    expect(exact).toBeLessThan(0.8);
    expect(Math.abs(closed - exact)).toBeLessThan(0.04);
    let m2 = 0;
    for (let i = 0; i < n; i++) for (let c = 4; c < ideal.dim; c++) m2 += run.frames[i * ideal.dim + c] ** 2;
    m2 /= n * (ideal.dim - 4);
    expect(m2 / solventSecondMoment(ideal, tau)).toBeCloseTo(1, 1);
  });

  it('an umbrella window’s bias moves the dimer as quadrature says; umbrella passes the moves on', () => {
    const tau = 1;
    const [center, k] = [1.6, 20];
    const window = (d: number) => 0.5 * k * (d - center) ** 2;
    const run = idealRun(tau, 3000, new Rng(9), harmonicBias(ideal, center, k));
    const n = run.frames.length / ideal.dim;
    const d = ideal.reactionCoordinate.compute(run.frames, n);
    const mean = d.reduce((s, v) => s + v, 0) / n;
    const exact = pairAverage(ideal, tau, (v) => v, window);
    expect(Math.abs(mean - exact)).toBeLessThan(0.01);
    // Without the bias the mean is far from there: the check has power.
    expect(Math.abs(pairAverage(ideal, tau, (v) => v) - exact)).toBeGreaterThan(0.1);

    const r = umbrellaFreeEnergy(
      ideal,
      {
        temperature: tau,
        windows: 3,
        forceConstant: k,
        steps: 200,
        stride: 10,
        passes: 'forward',
        moves: 'particle',
        bins: 20,
        bootstrap: 0,
      },
      new Rng(10),
    );
    expect(r.totalSteps).toBe(3 * 200);
    // Solvent moves of the ideal bath are almost always accepted; all-coordinate moves are not.
    for (const w of r.windows) expect(w.acceptance).toBeGreaterThan(0.8);
  });

  it('refuses systems without a per-particle energy', () => {
    expect(() => particleSweeper(createSystem({ id: 'double-well' }))).toThrow(
      /"double-well" has no per-particle energy/,
    );
  });
});
