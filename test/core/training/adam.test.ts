import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/core/backend.js';
import { Rng } from '../../../src/core/random.js';
import { Adam } from '../../../src/core/training/adam.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/**
 * Adam in float64, in Kingma & Ba's "more efficient" form (their Section 2: α_t = α·√(1−β2ᵗ)/(1−β1ᵗ),
 * ε not bias-corrected), which is what src/core implements: the oracle for whichever kernels are active.
 */
function adamReference(p0: number[], grads: number[][], lr: number, scale: number) {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, t) => {
    const c1 = 1 - b1 ** (t + 1);
    const c2 = 1 - b2 ** (t + 1);
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] * scale;
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      p[i] -= ((lr * Math.sqrt(c2)) / c1) * (m[i] / (Math.sqrt(v[i]) + eps));
    }
  });
  return { p, m, v };
}

describe('Adam', () => {
  it('follows the float64 formulas over several steps, with gradient scaling', () => {
    const rng = new Rng(9);
    const p0 = Array.from(rng.normals(300, 1));
    const grads = Array.from({ length: 5 }, () => Array.from(rng.normals(300, 0.1)));
    for (const scale of [1, 0.25]) {
      const param = tf.variable(tf.tensor2d(p0, [20, 15]));
      const adam = new Adam([param]);
      for (const g of grads) {
        const gt = tf.tensor2d(g, [20, 15]);
        adam.apply([gt], 1e-3, scale);
        gt.dispose();
      }
      const want = adamReference(p0, grads, 1e-3, scale);
      const got = param.dataSync();
      const state = adam.state();
      expect(state.step).toBe(5);
      for (let i = 0; i < p0.length; i++) {
        expect(Math.abs(got[i] - want.p[i])).toBeLessThan(2e-6 * Math.max(1, Math.abs(want.p[i])));
        expect(Math.abs(state.m[0][i] - want.m[i])).toBeLessThan(1e-6);
        expect(Math.abs(state.v[0][i] - want.v[i])).toBeLessThan(1e-7);
      }
      adam.dispose();
      param.dispose();
    }
  });

  it('measures the global gradient norm over all tensors', () => {
    const a = tf.tensor1d([3, 0, 0]);
    const b = tf.tensor2d([0, 4, 0, 0], [2, 2]);
    expect(Adam.globalNorm([a, b])).toBeCloseTo(5, 6);
    expect(Adam.globalNorm([tf.tensor1d([1e20, 1e20])])).toBeGreaterThan(1e20);
    expect(Number.isNaN(Adam.globalNorm([tf.tensor1d([1, NaN])]))).toBe(true);
    tf.dispose([a, b]);
  });
});
