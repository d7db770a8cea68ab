import { describe, expect, it } from 'vitest';
import { ess, logSumExp, normalizedWeights } from '../../../src/core/analysis/ess.js';

describe('ess', () => {
  it('logSumExp matches the direct sum and survives ±1e4', () => {
    expect(logSumExp([0, Math.log(2), Math.log(3)])).toBeCloseTo(Math.log(6), 12);
    expect(logSumExp([1e4, 1e4])).toBeCloseTo(1e4 + Math.log(2), 9);
    expect(logSumExp([-1e4, -1e4 + Math.log(3)])).toBeCloseTo(-1e4 + Math.log(4), 9);
    expect(logSumExp([])).toBe(-Infinity);
  });

  it('equal weights give n, whatever their scale', () => {
    for (const c of [0, 1e4, -1e4, 123.4]) expect(ess(new Float64Array(500).fill(c))).toBeCloseTo(500, 8);
  });

  it('one dominant weight gives about 1', () => {
    const lw = new Float64Array(1000).fill(-50);
    lw[17] = 0;
    expect(ess(lw)).toBeGreaterThan(0.999);
    expect(ess(lw)).toBeLessThan(1.001);
  });

  it('agrees with the direct Kish formula and is stable for log weights around ±1e4', () => {
    const lw = Array.from({ length: 200 }, (_, i) => Math.sin(i) * 3);
    const w = lw.map(Math.exp);
    const kish = w.reduce((a, b) => a + b) ** 2 / w.reduce((a, b) => a + b * b, 0);
    expect(ess(lw)).toBeCloseTo(kish, 9);
    expect(ess(lw.map((v) => v + 1e4))).toBeCloseTo(kish, 6);
    expect(ess(lw.map((v) => v - 1e4))).toBeCloseTo(kish, 6);
  });

  it('normalizedWeights sum to 1 and keep ratios', () => {
    const w = normalizedWeights([1e4, 1e4 + Math.log(3)]);
    expect(w[0]).toBeCloseTo(0.25, 12);
    expect(w[1]).toBeCloseTo(0.75, 12);
  });
});
