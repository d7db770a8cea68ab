import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/core/backend.js';
import { Rng } from '../../../src/core/random.js';
import { createFlow, deserializeFlow, serializeFlow } from '../../../src/core/flows/index.js';
import { dense } from '../../../src/core/flows/dense.js';

beforeAll(async () => {
  await initBackend();
});

/** Perturb every weight so the flow is far from the identity it starts as. */
function randomise(flow: ReturnType<typeof createFlow>, rng: Rng, scale: number): void {
  for (const { variable } of flow.variables()) {
    const n = variable.size;
    tf.tidy(() => variable.assign(tf.add(variable, tf.tensor(rng.normals(n, scale), variable.shape))));
  }
}

describe('Flow', () => {
  it('inverts the dimer network (76 dims, 8 R blocks, 3x200 tanh) to float32 precision', () => {
    const rng = new Rng(1);
    const flow = createFlow(
      { blocks: Array(8).fill('R'), hidden: [200, 200, 200], activation: 'tanh' },
      76,
      rng,
    );
    randomise(flow, rng, 0.05);
    const z = tf.tensor2d(rng.normals(200 * 76), [200, 76]);
    const fwd = flow.forward(z);
    const inv = flow.inverse(fwd.y);
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(inv.y, z))).dataSync()[0]);
    const det = tf.tidy(() => tf.max(tf.abs(tf.add(fwd.logDetJ, inv.logDetJ))).dataSync()[0]);
    const spread = tf.tidy(() => tf.max(tf.abs(fwd.logDetJ)).dataSync()[0]);
    expect(spread).toBeGreaterThan(0.1); // the map is not trivially volume preserving
    expect(err).toBeLessThan(1e-4);
    expect(det).toBeLessThan(1e-3);
    tf.dispose([z, fwd.y, fwd.logDetJ, inv.y, inv.logDetJ]);
    flow.dispose();
  });

  it.each([false, true])(
    'log|det J| equals the log determinant of a numerical Jacobian (R, N, S blocks; shared S/T trunk %s)',
    (sharedTrunk) => {
      const rng = new Rng(2);
      const dim = 4;
      const flow = createFlow(
        { blocks: ['R', 'N', 'S', 'R', 'R'], hidden: [8, 8], activation: 'tanh', sharedTrunk },
        dim,
        rng,
      );
      randomise(flow, rng, 0.3);
      const z0 = Array.from(rng.normals(dim));
      const h = 1e-2;
      const rows: number[][] = [];
      // Central differences of F_zx; float32 with h = 1e-2 keeps the error ~1e-4.
      for (let j = 0; j < dim; j++) {
        const plus = z0.slice();
        const minus = z0.slice();
        plus[j] += h;
        minus[j] -= h;
        const out = flow.forward(tf.tensor2d([plus, minus], [2, dim]));
        const y = out.y.arraySync();
        tf.dispose([out.y, out.logDetJ]);
        rows.push(y[0].map((v, i) => (v - y[1][i]) / (2 * h)));
      }
      const out = flow.forward(tf.tensor2d([z0], [1, dim]));
      const logDet = out.logDetJ.dataSync()[0];
      const numeric = Math.log(Math.abs(det(rows)));
      expect(Math.abs(logDet)).toBeGreaterThan(0.05);
      expect(logDet).toBeCloseTo(numeric, 2);
      flow.dispose();
    },
  );

  it('round-trips weights and rejects another architecture with a clear message', () => {
    const rng = new Rng(3);
    const spec = {
      blocks: ['R', 'R', 'S'] as ('R' | 'N' | 'S')[],
      hidden: [16],
      activation: 'tanh' as const,
    };
    const a = createFlow(spec, 2, rng);
    randomise(a, rng, 0.2);
    const b = createFlow(spec, 2, new Rng(99));
    const bytes = serializeFlow(a);
    deserializeFlow(b, bytes);
    const z = tf.tensor2d([
      [0.3, -1.2],
      [2, 0.5],
    ]);
    const ya = a.forward(z).y.arraySync();
    const yb = b.forward(z).y.arraySync();
    expect(yb).toEqual(ya);
    const c = createFlow({ ...spec, hidden: [32] }, 2, rng);
    expect(() => deserializeFlow(c, bytes)).toThrow(
      /different flow architecture.*hidden \[16\].*hidden \[32\]/,
    );
    expect(() => deserializeFlow(c, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/Not a BGWF/);
    [a, b, c].forEach((f) => f.dispose());
  });
});

describe('dense', () => {
  it('custom gradient equals tf.matMul autodiff', () => {
    const rng = new Rng(4);
    const x = tf.tensor2d(rng.normals(5 * 3), [5, 3]);
    const w = tf.tensor2d(rng.normals(3 * 4), [3, 4]);
    const b = tf.tensor1d(rng.normals(4));
    const dy = tf.tensor2d(rng.normals(5 * 4), [5, 4]);
    const ours = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(dense(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), dy)),
    )([x, w, b]);
    const stock = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb), dy)),
    )([x, w, b]);
    for (let i = 0; i < 3; i++) {
      const a = ours[i].dataSync();
      const s = stock[i].dataSync();
      expect(a.length).toBe(s.length);
      for (let k = 0; k < a.length; k++) expect(a[k]).toBeCloseTo(s[k], 5);
    }
    expect(dense(x, w, b).arraySync()).toEqual(tf.add(tf.matMul(x, w), b).arraySync());
  });
});

function det(m: number[][]): number {
  const a = m.map((r) => r.slice());
  const n = a.length;
  let d = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (p !== c) {
      [a[p], a[c]] = [a[c], a[p]];
      d = -d;
    }
    d *= a[c][c];
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k < n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return d;
}
