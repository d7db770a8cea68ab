import { describe, expect, it } from 'vitest';
import { clampToFinite, contractDeltaF, finiteOrNull } from '../../src/main/services/finite.js';
import { FreeEnergyResult } from '../../src/shared/contract.js';

describe('finite numbers at the contract boundary', () => {
  it('reports an unsampled state as null ΔF, which the contract accepts', () => {
    expect(contractDeltaF({ value: Infinity, error: Infinity })).toEqual({ value: null, error: null });
    expect(contractDeltaF({ value: -Infinity, error: NaN })).toEqual({ value: null, error: null });
    expect(contractDeltaF({ value: 1.5, error: 0.1 })).toEqual({ value: 1.5, error: 0.1 });
    const parsed = FreeEnergyResult.safeParse({
      analysisId: 'a',
      temperature: 1,
      profile: [],
      deltaF: contractDeltaF({ value: Infinity, error: Infinity }),
      ess: 3,
    });
    expect(parsed.success).toBe(true);
  });

  it('clamps per-sample values and keeps finite ones', () => {
    expect(finiteOrNull(2)).toBe(2);
    expect(clampToFinite(Infinity)).toBe(Number.MAX_VALUE);
    expect(clampToFinite(-Infinity)).toBe(-Number.MAX_VALUE);
    expect(clampToFinite(-3)).toBe(-3);
  });
});
