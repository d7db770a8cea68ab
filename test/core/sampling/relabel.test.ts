import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random.js';
import { isCanonical, relabelIdentical } from '../../../src/core/sampling/relabel.js';
import { dimerInitialConfiguration } from '../../../src/core/systems/dimer.js';

const SOLVENT = Array.from({ length: 36 }, (_, i) => i + 2);

function shuffled(rng: Rng): number[] {
  const p = [...SOLVENT];
  for (let i = p.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

describe('relabelIdentical', () => {
  it('undoes a random permutation of the solvent particles exactly', () => {
    const ref = dimerInitialConfiguration(1.0, 3);
    const rng = new Rng(1);
    const nFrames = 50;
    const original = new Float32Array(nFrames * 76);
    const permuted = new Float32Array(nFrames * 76);
    for (let f = 0; f < nFrames; f++) {
      // Jitter well below half the grid spacing (1.2) keeps the identity the optimal assignment.
      for (let c = 0; c < 76; c++) original[f * 76 + c] = ref[c] + 0.15 * rng.normal();
      const perm = shuffled(rng);
      permuted.set(original.subarray(f * 76, f * 76 + 4), f * 76);
      SOLVENT.forEach((p, i) => {
        permuted[f * 76 + 2 * p] = original[f * 76 + 2 * perm[i]];
        permuted[f * 76 + 2 * p + 1] = original[f * 76 + 2 * perm[i] + 1];
      });
    }
    expect(Array.from(permuted)).not.toEqual(Array.from(original));
    const out = relabelIdentical(permuted, nFrames, ref, SOLVENT);
    expect(Array.from(out)).toEqual(Array.from(original));
    // The input is left alone.
    expect(Array.from(permuted)).not.toEqual(Array.from(original));
  });

  it('minimises the total distance (a swapped pair is put back, dimer untouched)', () => {
    const ref = Float64Array.of(0, 0, 1, 0, 5, 5, -5, -5);
    const frame = Float32Array.of(0.1, 0, 1.1, 0, -4.9, -5, 5.1, 5);
    const out = relabelIdentical(frame, 1, ref, [2, 3]);
    expect(Array.from(out)).toEqual(Array.from(Float32Array.of(0.1, 0, 1.1, 0, 5.1, 5, -4.9, -5)));
  });

  it('rejects frames of the wrong size', () => {
    expect(() => relabelIdentical(new Float32Array(10), 1, new Float64Array(8), [2, 3])).toThrow(/expected/);
  });

  it('isCanonical says exactly which frames relabelling would leave unchanged', () => {
    const ref = dimerInitialConfiguration(1.0, 3);
    const rng = new Rng(4);
    const nFrames = 200;
    const frames = new Float32Array(nFrames * 76);
    // Jitter comparable to the grid spacing: some frames are canonical, many are not.
    for (let f = 0; f < nFrames; f++) {
      for (let c = 0; c < 76; c++) frames[f * 76 + c] = ref[c] + 0.45 * rng.normal();
    }
    const relabelled = relabelIdentical(frames, nFrames, ref, SOLVENT);
    const canonical = isCanonical(frames, nFrames, ref, SOLVENT);
    let unchanged = 0;
    for (let f = 0; f < nFrames; f++) {
      const same = frames.subarray(f * 76, (f + 1) * 76).every((v, c) => v === relabelled[f * 76 + c]);
      expect(canonical[f], `frame ${f}`).toBe(same ? 1 : 0);
      if (same) unchanged++;
    }
    expect(unchanged).toBeGreaterThan(20);
    expect(unchanged).toBeLessThan(180);
    // Every relabelled frame is canonical.
    expect(Array.from(isCanonical(relabelled, nFrames, ref, SOLVENT)).every((v) => v === 1)).toBe(true);
  });
});
