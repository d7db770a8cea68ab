import { describe, expect, it } from 'vitest';
import { deltaF, freeEnergyProfile, stateOf } from '../../../src/core/analysis/freeEnergy.js';
import { weightedHistogram } from '../../../src/core/analysis/histogram.js';
import { Rng } from '../../../src/core/random.js';

/** Exact −τ ln ∫_bin exp(−x²/2) dx (Simpson), shifted to min 0: the oracle for Gaussian samples. */
function gaussianBinsF(lo: number, hi: number, bins: number, tau: number): Float64Array {
  const F = new Float64Array(bins);
  const h = (hi - lo) / bins;
  for (let k = 0; k < bins; k++) {
    const a = lo + k * h;
    const m = 200;
    let s = 0;
    for (let j = 0; j <= m; j++) {
      const x = a + (j * h) / m;
      s += (j === 0 || j === m ? 1 : j % 2 ? 4 : 2) * Math.exp((-x * x) / 2);
    }
    F[k] = -tau * Math.log((s * h) / (3 * m));
  }
  const min = Math.min(...F);
  return F.map((v) => v - min);
}

/**
 * Profiles are defined up to a constant: align on the error-weighted mean offset, then every bin
 * must agree within 4.5 bootstrap errors (and 0.02 kT where errors are tiny); the errors are calibrated
 * (χ² over bins ≈ bins − 1 across seeds).
 */
function expectProfile(prof: { F: number; error: number }[], exact: Float64Array): void {
  let num = 0;
  let den = 0;
  prof.forEach((p, k) => {
    num += (p.F - exact[k]) / p.error ** 2;
    den += 1 / p.error ** 2;
  });
  const off = num / den;
  prof.forEach((p, k) => expect(Math.abs(p.F - off - exact[k])).toBeLessThan(Math.max(0.02, 4.5 * p.error)));
}

describe('weightedHistogram', () => {
  it('bins values, weights and counts; outside the range is left out', () => {
    const h = weightedHistogram([0.1, 0.2, 0.9, 1.0, 1.5, -0.1], [0, Math.log(2), 0, 0, 0, 0], {
      bins: 2,
      range: [0, 1],
    });
    expect(Array.from(h.edges)).toEqual([0, 0.5, 1]);
    expect(Array.from(h.centers)).toEqual([0.25, 0.75]);
    expect(Array.from(h.counts)).toEqual([2, 2]);
    expect(h.weights[0] / h.weights[1]).toBeCloseTo(1.5, 12);
  });
});

describe('freeEnergyProfile', () => {
  const range: [number, number] = [-3, 3];
  const bins = 24;

  it('matches the density of samples drawn exactly from a Gaussian (unweighted and τ-scaled)', () => {
    const rng = new Rng(1);
    const n = 200_000;
    const x = new Float64Array(n).map(() => rng.normal());
    const exact = gaussianBinsF(range[0], range[1], bins, 1);
    const prof = freeEnergyProfile(x, null, { bins, range, temperature: 1, bootstrap: 50, rng });
    expect(prof.length).toBe(bins);
    expectProfile(prof, exact);
    // Same samples at τ = 2 are F·2 (F = −τ ln p).
    const prof2 = freeEnergyProfile(x, null, { bins, range, temperature: 2, bootstrap: 0, rng });
    prof2.forEach((p, i) => expect(p.F).toBeCloseTo(2 * prof[i].F, 10));
  });

  it('reweights uniform samples to the Gaussian with log weights around 1e4', () => {
    const rng = new Rng(2);
    const n = 200_000;
    const x = new Float64Array(n).map(() => range[0] + (range[1] - range[0]) * rng.uniform());
    const lw = x.map((v) => 1e4 - (v * v) / 2);
    const exact = gaussianBinsF(range[0], range[1], bins, 1);
    const prof = freeEnergyProfile(x, lw, { bins, range, temperature: 1, bootstrap: 50, rng });
    expect(prof.length).toBe(bins);
    expectProfile(prof, exact);
  });

  it('drops bins worth fewer than 0.01 samples', () => {
    const rng = new Rng(3);
    const x = new Float64Array(1001).fill(0.1);
    x[1000] = 0.9;
    const lw = new Float64Array(1001);
    lw[1000] = Math.log(0.005);
    const opts = { bins: 2, range: [0, 1] as [number, number], temperature: 1, bootstrap: 0, rng };
    expect(freeEnergyProfile(x, lw, opts).map((p) => p.rc)).toEqual([0.25]);
    lw[1000] = Math.log(0.02);
    const kept = freeEnergyProfile(x, lw, opts);
    expect(kept.map((p) => p.rc)).toEqual([0.25, 0.75]);
    expect(kept[1].F).toBeCloseTo(-Math.log(0.02 / 1000), 10);
  });

  it('bootstrap error shrinks like 1/√n', () => {
    const err = (n: number, seed: number): number => {
      const rng = new Rng(seed);
      const x = new Float64Array(n).map(() => rng.normal());
      const prof = freeEnergyProfile(x, null, { bins: 12, range, temperature: 1, bootstrap: 100, rng });
      // Error of the bin next to the centre.
      return prof.find((p) => Math.abs(p.rc - 0.75) < 1e-9)?.error ?? NaN;
    };
    const ratio = err(2_000, 4) / err(32_000, 5);
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(5.5);
  });
});

describe('deltaF', () => {
  const states = [
    { name: 'a', max: 0 },
    { name: 'b', min: 0 },
  ] as const;

  it('is −τ ln(P1/P0) with a bootstrap error covering the truth', () => {
    const rng = new Rng(7);
    const n = 50_000;
    // 30 % of samples in state b.
    const x = new Float64Array(n).map(() => (rng.uniform() < 0.3 ? 1 : -1) + 0.2 * rng.normal());
    const r = deltaF(x, null, states, 1.5, 100, rng);
    const truth = -1.5 * Math.log(0.3 / 0.7);
    expect(Math.abs(r.value - truth)).toBeLessThan(4 * r.error);
    expect(r.error).toBeGreaterThan(0.005);
    expect(r.error).toBeLessThan(0.05);
  });

  it('uses the weights; an empty state gives infinity', () => {
    const rng = new Rng(8);
    const x = Float64Array.of(-1, -1, 1);
    const lw = Float64Array.of(0, 0, Math.log(6));
    expect(deltaF(x, lw, states, 1, 0, rng).value).toBeCloseTo(-Math.log(3), 12);
    expect(deltaF(Float64Array.of(-1, -2), null, states, 1, 10, rng).value).toBe(Infinity);
    expect(Array.from(stateOf([-1, 0, 2], states))).toEqual([0, 1, 1]);
  });

  it('bootstraps whole blocks of correlated samples: copies add no information', () => {
    const rng = new Rng(9);
    // 8 blocks, each 500 copies of one draw (as resampled walkers of one population can be).
    const blocks = 8;
    const copies = 500;
    const x = new Float64Array(blocks * copies);
    const block = new Int32Array(x.length);
    for (let b = 0; b < blocks; b++) {
      const v = rng.uniform() < 0.3 ? 1 : -1;
      x.fill(v, b * copies, (b + 1) * copies);
      block.fill(b, b * copies, (b + 1) * copies);
    }
    if (x.every((v) => v === x[0])) x[0] = -x[0]; // both states present
    const perSample = deltaF(x, null, states, 1, 200, new Rng(10));
    const perBlock = deltaF(x, null, states, 1, 200, new Rng(10), block);
    expect(perBlock.value).toBe(perSample.value);
    // 4000 "samples" that are really 8: the per-block error is ~√500 times the per-sample one.
    expect(perBlock.error).toBeGreaterThan(10 * perSample.error);
    const profile = (blocksOf: Int32Array | null) =>
      freeEnergyProfile(x, null, {
        bins: 4,
        range: [-2, 2],
        temperature: 1,
        bootstrap: 200,
        rng: new Rng(11),
        blocks: blocksOf,
      });
    const [a, b] = [profile(null), profile(block)];
    const errs = (p: typeof a) => p.filter((bin) => Number.isFinite(bin.F)).map((bin) => bin.error);
    expect(Math.max(...errs(b))).toBeGreaterThan(10 * Math.max(...errs(a)));
  });
});
