import { describe, expect, it } from 'vitest';
import type { MetricsRow } from '../../src/shared/runspec.js';
import {
  alignMany,
  alignSeries,
  allPositive,
  centersOf,
  ema,
  histogram,
  mergeRows,
  metricColumns,
  presentKeys,
  profileColumns,
  referenceProfile,
  smoothingToAlpha,
  trainingProgress,
} from '../../src/renderer/src/lib/plotData.js';

function row(iteration: number, over: Partial<MetricsRow> = {}): MetricsRow {
  return {
    iteration,
    stage: 0,
    loss: 10 - iteration,
    ml: 10 - iteration,
    kl: null,
    rc: null,
    gradNorm: 1,
    essFraction: null,
    skipped: 0,
    time: iteration * 0.5,
    ...over,
  };
}

describe('ema', () => {
  it('is the identity at alpha 1 and a running average below', () => {
    expect(ema([1, 2, 3], 1)).toEqual([1, 2, 3]);
    expect(ema([0, 10, 10], 0.5)).toEqual([0, 5, 7.5]);
  });
  it('passes gaps through without resetting', () => {
    expect(ema([2, null, 4], 0.5)).toEqual([2, null, 3]);
  });
  it('maps the slider to a factor', () => {
    expect(smoothingToAlpha(0)).toBe(1);
    expect(smoothingToAlpha(0.9)).toBeCloseTo(0.1, 12);
  });
});

describe('log scale decision', () => {
  it('needs every shown value positive', () => {
    expect(allPositive([1, null, 2])).toBe(true);
    expect(allPositive([1, -0.5])).toBe(false);
    expect(allPositive([0, 1])).toBe(false);
    expect(allPositive([null])).toBe(false);
  });
});

describe('metrics rows', () => {
  it('lists only the loss terms that are present', () => {
    expect(presentKeys([row(0), row(1)])).toEqual(['loss', 'ml']);
    expect(presentKeys([row(0), row(1, { kl: 3, rc: -1 })])).toEqual(['loss', 'ml', 'kl', 'rc']);
  });
  it('sorts by iteration and drops repeats', () => {
    const [x, y] = metricColumns([row(2), row(0), row(1), row(2, { loss: 99 })], (r) => r.loss);
    expect(x).toEqual([0, 1, 2]);
    expect(y).toEqual([10, 9, 99]);
  });
  it('merges event rows with fetched ones', () => {
    const a = [row(0), row(1)];
    expect(mergeRows(a, [row(2)]).map((r) => r.iteration)).toEqual([0, 1, 2]);
    expect(mergeRows(a, [row(1, { loss: 7 }), row(2)]).map((r) => [r.iteration, r.loss])).toEqual([
      [0, 10],
      [1, 7],
      [2, 8],
    ]);
  });
  it('computes iterations per second and time left', () => {
    const rows = Array.from({ length: 11 }, (_, i) => row(i, { skipped: i === 3 ? 2 : 0 }));
    const p = trainingProgress(rows, 111);
    expect(p.iterationsPerSecond).toBeCloseTo(2, 12); // 0.5 s per iteration
    expect(p.etaSeconds).toBeCloseTo(50, 12); // 100 iterations left
    expect(p.skipped).toBe(2);
    expect(trainingProgress([row(0)], 10).etaSeconds).toBeNull();
  });
});

describe('histogram', () => {
  it('counts values into equal bins including the upper edge', () => {
    const h = histogram([0, 0.1, 0.5, 0.99, 1, 2], 2, [0, 1]);
    expect(h.edges).toEqual([0, 0.5, 1]);
    expect(h.counts).toEqual([2, 3]);
    expect(h.centers).toEqual([0.25, 0.75]);
  });
  it('uses the data range when none is given and survives constant data', () => {
    expect(histogram([3, 3, 3], 4).counts.reduce((a, b) => a + b)).toBe(3);
    expect(histogram([NaN], 4).counts).toEqual([]);
  });
  it('centres edges', () => {
    expect(centersOf([0, 1, 3])).toEqual([0.5, 2]);
  });
});

describe('profile band', () => {
  it('orders bins and puts F ± error around F', () => {
    const [x, f, lo, hi] = profileColumns([
      { rc: 1, F: 2, error: 0.5 },
      { rc: 0, F: 0, error: 0.1 },
    ]);
    expect(x).toEqual([0, 1]);
    expect(f).toEqual([0, 2]);
    expect(lo).toEqual([-0.1, 1.5]);
    expect(hi).toEqual([0.1, 2.5]);
  });
  it('leaves gaps for empty bins and unbounded errors', () => {
    const [, f, lo, hi] = profileColumns([
      { rc: 0, F: Infinity, error: NaN },
      { rc: 1, F: 3, error: Infinity },
    ]);
    expect(f).toEqual([null, 3]);
    expect(lo).toEqual([null, null]);
    expect(hi).toEqual([null, null]);
  });
});

describe('alignSeries', () => {
  it('puts two runs on the union of their iterations with gaps as null', () => {
    const [x, a, b] = alignSeries([0, 2, 4], [1, 2, 3], [0, 1, 2], [9, 8, 7]);
    expect(x).toEqual([0, 1, 2, 4]);
    expect(a).toEqual([1, null, 2, 3]);
    expect(b).toEqual([9, 8, 7, null]);
  });
});

describe('free-energy overlays', () => {
  it('aligns several series at once', () => {
    const [x, a, b, c] = alignMany([
      { x: [1], y: [10] },
      { x: [0, 1], y: [5, 6] },
      { x: [2], y: [7] },
    ]);
    expect(x).toEqual([0, 1, 2]);
    expect(a).toEqual([null, 10, null]);
    expect(b).toEqual([5, 6, null]);
    expect(c).toEqual([null, null, 7]);
  });
  it('turns the double-well energy into its exact free energy (kT₀, any τ)', () => {
    // u(x₁) = x₁⁴ − 6x₁² + x₁ on a grid; F = −τ ln P = u − min u in kT₀.
    const pts = Array.from({ length: 101 }, (_, i) => {
      const x = -2.5 + i * 0.05;
      return { rc: x, energy: x ** 4 - 6 * x ** 2 + x };
    });
    const ref = referenceProfile(pts, [-2.5, 2.5]);
    expect(Math.min(...ref.y)).toBe(0);
    const at = (x: number) => ref.y[ref.x.findIndex((v) => Math.abs(v - x) < 1e-9)];
    // Barrier at x₁ ≈ 0.08 over the left well at x₁ ≈ −1.77: about 10.9 kT₀.
    const u = (x: number) => x ** 4 - 6 * x ** 2 + x;
    expect(at(0.1) - at(-1.75)).toBeCloseTo(u(0.1) - u(-1.75), 10);
    expect(at(0.1) - at(-1.75)).toBeGreaterThan(10.5);
    expect(referenceProfile(pts, [10, 11])).toEqual({ x: [], y: [] });
  });
});
