import { describe, expect, it } from 'vitest';
import { referenceProfile } from '../../../src/core/analysis/quadrature.js';
import { wham, whamFull } from '../../../src/core/analysis/wham.js';
import { deltaFFromLogP } from '../../../src/core/analysis/umbrellaFreeEnergy.js';
import { Rng } from '../../../src/core/random.js';
import {
  paperDimerUmbrella,
  umbrellaSampling,
  umbrellaWindows,
} from '../../../src/core/sampling/umbrella.js';
import { createSystem } from '../../../src/core/systems/catalog.js';

describe('umbrella sampling + WHAM', () => {
  const dw = createSystem({ id: 'double-well' });
  const centers = Array.from({ length: 25 }, (_, i) => -2.6 + (i * 5.2) / 24);
  const k = 40;

  it('recovers the double-well profile within 0.3 kT of quadrature on [−2.5, 2.5]', () => {
    const progress: number[] = [];
    const us = umbrellaSampling(
      dw,
      {
        windows: centers,
        forceConstant: k,
        steps: 8000,
        stepSize: 0.15,
        temperature: 1,
        stride: 5,
        passes: 'forward-backward',
        chainsPerWindow: 4,
        burnIn: 200,
      },
      new Rng(1),
      { onProgress: (f) => progress.push(f) },
    );
    expect(us.windows.length).toBe(50);
    expect(us.windows.slice(0, 25).map((w) => w.center)).toEqual(centers);
    expect(us.windows.slice(25).map((w) => w.center)).toEqual([...centers].reverse());
    expect(us.windows[30].pass).toBe('backward');
    // Each window samples near its centre (harmonic bias k/2·(rc − c)²; steep walls push up to
    // |u'(c)|/(k + u''(c)) ≈ 0.35 inwards), and the window means increase with the centres.
    const means = us.windows.map((w) => w.rc.reduce((s, v) => s + v, 0) / w.rc.length);
    us.windows.forEach((w, i) => expect(Math.abs(means[i] - w.center)).toBeLessThan(0.5));
    for (let i = 1; i < 25; i++) expect(means[i]).toBeGreaterThan(means[i - 1]);
    expect(progress.at(-1)).toBe(1);

    const opts = { temperature: 1, bins: 25, range: [-2.5, 2.5] as [number, number] };
    const prof = wham(us.windows, {
      ...opts,
      forceConstant: k,
      tolerance: 1e-8,
      bootstrap: 5,
      rng: new Rng(2),
    });
    const ref = referenceProfile(dw, opts);
    expect(prof.length).toBe(25);
    prof.forEach((b, i) => {
      expect(b.rc).toBeCloseTo(ref[i].rc, 12);
      expect(Math.abs(b.F - ref[i].F)).toBeLessThan(0.3);
      expect(b.error).toBeGreaterThan(0);
    });
  });

  it('WHAM of a single unbiased window is the plain histogram', () => {
    const rng = new Rng(3);
    const rc = new Float64Array(20000).map(() => rng.normal());
    const prof = wham([{ center: 0, rc }], {
      forceConstant: 0,
      temperature: 1,
      bins: 10,
      range: [-2, 2],
      tolerance: 1e-10,
    });
    const counts = new Float64Array(10);
    for (const v of rc) if (v >= -2 && v < 2) counts[Math.floor((v + 2) / 0.4)]++;
    const F = Array.from(counts, (c) => -Math.log(c));
    const min = Math.min(...F);
    prof.forEach((b, i) => expect(b.F).toBeCloseTo(F[i] - min, 8));
  });

  it('WHAM recovers a known profile from exactly sampled biased windows', () => {
    // Unbiased density exp(−x²/2)·(flat); window i samples exp(−x²/2 − k/2(x − c)²), a Gaussian.
    const rng = new Rng(4);
    const kk = 4;
    const cs = [-2, -1, 0, 1, 2];
    const windows = cs.map((c) => {
      const mean = (kk * c) / (1 + kk);
      const sd = 1 / Math.sqrt(1 + kk);
      return { center: c, rc: new Float64Array(40000).map(() => mean + sd * rng.normal()) };
    });
    const prof = wham(windows, {
      forceConstant: kk,
      temperature: 1,
      bins: 12,
      range: [-2.4, 2.4],
      tolerance: 1e-10,
    });
    const min = Math.min(...prof.map((b) => b.F));
    expect(min).toBe(0);
    const off = prof.reduce((s, b) => s + b.F - (b.rc * b.rc) / 2, 0) / prof.length;
    // Bin-centre value vs bin integral differs by ≤ h²/24·F'' ≈ 0.007 here.
    for (const b of prof) expect(Math.abs(b.F - (b.rc * b.rc) / 2 - off)).toBeLessThan(0.05);
  });

  it('offers evenly spaced windows and the paper dimer settings', () => {
    expect(umbrellaWindows(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const p = paperDimerUmbrella(0.5);
    expect(p.windows.length).toBe(35);
    expect(p.windows[0]).toBe(0.5);
    expect(p.windows[34]).toBeCloseTo(2.5, 12);
    expect([p.forceConstant, p.steps, p.temperature, p.passes]).toEqual([
      500,
      50_000,
      0.5,
      'forward-backward',
    ]);
  });

  it('dimer windows walk the dimer distance open and back (short chain)', () => {
    const dimer = createSystem({ id: 'dimer' });
    const opts = {
      ...paperDimerUmbrella(1),
      windows: umbrellaWindows(1.0, 2.0, 5),
      steps: 1500,
      stride: 50,
      burnIn: 500,
    };
    const us = umbrellaSampling(dimer, opts, new Rng(7));
    expect(us.windows.length).toBe(10);
    // k = 500 holds d within ~|F'(c)|/k ≈ 0.1–0.15 of each centre; means follow the centres both ways.
    const means = us.windows.map((w) => w.rc.reduce((s, v) => s + v, 0) / w.rc.length);
    us.windows.forEach((w, i) => {
      expect(Math.abs(means[i] - w.center)).toBeLessThan(0.2);
      expect(w.acceptance).toBeGreaterThan(0.02);
    });
    for (let i = 1; i < 5; i++) expect(means[i]).toBeGreaterThan(means[i - 1]);
    for (let i = 6; i < 10; i++) expect(means[i]).toBeLessThan(means[i - 1]);
  });

  it('WHAM converges on stiff windows across a 20 kT barrier at τ = 0.5 (the dimer bond, k = 500)', () => {
    // Exact samples of each biased density exp(−(F(d) + k/2(d − c)²)/τ) by inverse CDF on a grid;
    // from f = 0 Newton used to stall here and return a flat profile.
    const F = (d: number): number => {
      const d0 = 2 * (d - 1.5);
      return 2 * d0 - 25 * d0 * d0 + 10 * d0 ** 4;
    };
    const tau = 0.5;
    const k = 500;
    const rng = new Rng(5);
    const grid = Array.from({ length: 20001 }, (_, i) => 0.3 + (2.4 * i) / 20000);
    const windows = umbrellaWindows(0.5, 2.5, 35).map((c) => {
      const lw = grid.map((d) => -(F(d) + 0.5 * k * (d - c) ** 2) / tau);
      const top = Math.max(...lw);
      const cdf: number[] = [];
      let s = 0;
      for (const v of lw) cdf.push((s += Math.exp(v - top)));
      const rc = new Float64Array(5000).map(() => {
        const u = rng.uniform() * s;
        let lo = 0;
        let hi = cdf.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cdf[mid] < u) lo = mid + 1;
          else hi = mid;
        }
        return grid[lo];
      });
      return { center: c, rc };
    });
    const range = [0.5, 2.5] as const;
    const r = whamFull(windows, { forceConstant: k, temperature: tau, bins: 60, range, tolerance: 1e-8 });
    const exact = Float64Array.from({ length: 60 }, (_, b) => {
      let s = 0;
      for (let j = 0; j < 200; j++) s += Math.exp(-F(0.5 + ((b + (j + 0.5) / 200) * 2) / 60) / tau);
      return Math.log(s);
    });
    const states = [
      { name: 'closed', max: 1.5 },
      { name: 'open', min: 1.5 },
    ] as const;
    const ref = deltaFFromLogP(exact, range, states, tau);
    expect(ref).toBeGreaterThan(4);
    expect(Math.abs(deltaFFromLogP(r.logP, range, states, tau) - ref)).toBeLessThan(0.15);
    // The barrier is there (a stalled solver gives a nearly flat profile).
    const top = Math.max(...r.profile.filter((b) => b.rc > 1.2 && b.rc < 1.8).map((b) => b.F));
    expect(top).toBeGreaterThan(15);
  });
});
