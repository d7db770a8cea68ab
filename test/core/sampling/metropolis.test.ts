import { describe, expect, it } from 'vitest';
import { freeEnergyProfile } from '../../../src/core/analysis/freeEnergy.js';
import { referenceProfile } from '../../../src/core/analysis/quadrature.js';
import { Rng } from '../../../src/core/random.js';
import { metropolis, metropolisRun } from '../../../src/core/sampling/metropolis.js';
import { createSystem } from '../../../src/core/systems/catalog.js';
import type { ProfileBin } from '../../../src/shared/runspec.js';

/** Max |ΔF| over bins the reference puts below `fMax`, after aligning on the mean offset. */
function maxDeviation(sampled: ProfileBin[], reference: ProfileBin[], fMax: number): number {
  const ref = new Map(reference.map((b) => [b.rc.toFixed(6), b.F]));
  const pairs = sampled
    .map((b) => [b.F, ref.get(b.rc.toFixed(6))] as const)
    .filter((p): p is readonly [number, number] => p[1] !== undefined && p[1] < fMax);
  expect(pairs.length).toBeGreaterThan(5);
  const off = pairs.reduce((s, [a, b]) => s + a - b, 0) / pairs.length;
  return Math.max(...pairs.map(([a, b]) => Math.abs(a - b - off)));
}

describe('metropolis', () => {
  const dw = createSystem({ id: 'double-well' });

  it('reproduces the double-well quadrature profile within 0.2 kT in each well at τ = 1', () => {
    for (const [start, range] of [
      [Float64Array.of(-1.8, 0), [-2.5, -0.5]],
      [Float64Array.of(1.8, 0), [0.5, 2.5]],
    ] as const) {
      const r = metropolisRun(
        dw,
        {
          starts: [start],
          chainsPerStart: 100,
          samplesPerStart: 100_000,
          stride: 5,
          stepSize: 0.5,
          burnIn: 200,
          temperature: 1,
        },
        new Rng(21),
      );
      expect(r.acceptance).toBeGreaterThan(0.05);
      expect(r.acceptance).toBeLessThan(1);
      const rc = dw.reactionCoordinate.compute(r.frames, 100_000);
      const opts = { bins: 16, range: range as unknown as [number, number], temperature: 1 };
      const prof = freeEnergyProfile(rc, null, { ...opts, bootstrap: 0, rng: new Rng(1) });
      expect(maxDeviation(prof, referenceProfile(dw, opts), 5)).toBeLessThan(0.2);
    }
  });

  it('crosses the barrier at τ = 3 and reproduces the whole profile (F = −τ ln p in kT₀)', () => {
    const r = metropolisRun(
      dw,
      {
        starts: dw.initialConfigurations(),
        chainsPerStart: 50,
        samplesPerStart: 100_000,
        stride: 5,
        stepSize: 0.6,
        burnIn: 500,
        temperature: 3,
      },
      new Rng(22),
    );
    const rc = dw.reactionCoordinate.compute(r.frames, 200_000);
    const opts = { bins: 20, range: [-2.5, 2.5] as [number, number], temperature: 3 };
    const prof = freeEnergyProfile(rc, null, { ...opts, bootstrap: 0, rng: new Rng(1) });
    expect(maxDeviation(prof, referenceProfile(dw, opts), 9)).toBeLessThan(0.3);
  });

  it('Müller–Brown at τ = 3 matches the rotated quadrature projection 0.7·x1 − 0.7·x2', () => {
    const mb = createSystem({ id: 'mueller-brown' });
    const r = metropolisRun(
      mb,
      {
        starts: mb.initialConfigurations(),
        chainsPerStart: 50,
        samplesPerStart: 100_000,
        stride: 5,
        stepSize: 0.1,
        burnIn: 500,
        temperature: 3,
      },
      new Rng(23),
    );
    const rc = mb.reactionCoordinate.compute(r.frames, 200_000);
    const opts = { bins: 18, range: [-1.8, 0.9] as [number, number], temperature: 3 };
    const prof = freeEnergyProfile(rc, null, { ...opts, bootstrap: 0, rng: new Rng(1) });
    expect(maxDeviation(prof, referenceProfile(mb, opts), 9)).toBeLessThan(0.3);
  });

  it('is reproducible from the seed, keeps frames in start order and honours the bias', () => {
    const opts = {
      starts: dw.initialConfigurations(),
      samplesPerStart: 50,
      stride: 3,
      stepSize: 0.1,
      burnIn: 0,
      temperature: 1,
    };
    const a = metropolis(dw, opts, new Rng(3));
    expect(a.length).toBe(2 * 50 * 2);
    expect(Array.from(metropolis(dw, opts, new Rng(3)))).toEqual(Array.from(a));
    expect(a[0]).toBeLessThan(0);
    expect(a[2 * 50]).toBeGreaterThan(0);
    // A stiff harmonic bias at x1 = 0.5 pulls both chains there.
    const biased = metropolis(
      dw,
      {
        ...opts,
        samplesPerStart: 200,
        burnIn: 2000,
        bias: (x, n) => new Float64Array(n).map((_, i) => 50 * (x[2 * i] - 0.5) ** 2),
      },
      new Rng(4),
    );
    const rc = dw.reactionCoordinate.compute(biased, 400);
    const mean = rc.reduce((s, v) => s + v, 0) / 400;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.15);
  });

  it('dimer: closed and open runs keep their state (no transitions) with σ = 0.02·√τ', () => {
    const dimer = createSystem({ id: 'dimer' });
    const r = metropolisRun(
      dimer,
      {
        starts: dimer.initialConfigurations(),
        chainsPerStart: 4,
        samplesPerStart: 200,
        stride: 10,
        stepSize: 0.02,
        burnIn: 200,
        temperature: 1,
      },
      new Rng(5),
    );
    expect(r.acceptance).toBeGreaterThan(0.05);
    expect(r.acceptance).toBeLessThan(1);
    const d = dimer.reactionCoordinate.compute(r.frames, 400);
    for (let i = 0; i < 200; i++) expect(d[i]).toBeLessThan(1.5);
    for (let i = 200; i < 400; i++) expect(d[i]).toBeGreaterThan(1.5);
    const e = dimer.energy(r.frames, 400);
    // Starting energies are 5261 and 425 kT₀; equilibrated frames sit far lower.
    expect(Math.max(...e)).toBeLessThan(400);
  });

  it('splits frames among chains (uneven counts fill every slot) and reports progress up to 1', () => {
    const progress: number[] = [];
    const r = metropolisRun(
      dw,
      {
        starts: dw.initialConfigurations(),
        chainsPerStart: 3,
        samplesPerStart: 10,
        stride: 2,
        stepSize: 0.05,
        burnIn: 5,
        temperature: 1,
      },
      new Rng(6),
      { onProgress: (f) => progress.push(f) },
    );
    expect(r.frames.length).toBe(2 * 10 * 2);
    expect(r.last.length).toBe(6);
    // Small steps from (∓1.8, 0): every slot is filled with a configuration near its start.
    for (let i = 0; i < 20; i++) {
      const x1 = r.frames[2 * i];
      expect(Math.abs(x1 - (i < 10 ? -1.8 : 1.8))).toBeLessThan(0.5);
      expect(r.frames[2 * i + 1]).not.toBe(0);
    }
    expect(progress.at(-1)).toBe(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
  });

  it('stops when the signal aborts', () => {
    const ctl = new AbortController();
    ctl.abort();
    expect(() =>
      metropolis(
        dw,
        {
          starts: dw.initialConfigurations(),
          samplesPerStart: 1000,
          stride: 10,
          stepSize: 0.1,
          burnIn: 0,
          temperature: 1,
        },
        new Rng(1),
        {
          signal: ctl.signal,
        },
      ),
    ).toThrow();
  });
});
