import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/core/backend.js';
import { Rng } from '../../../src/core/random.js';
import { createFlow, deserializeFlow, serializeFlow } from '../../../src/core/flows/index.js';
import { fitWhitening } from '../../../src/core/flows/whitening.js';
import { symmetricEigen } from '../../../src/core/linalg/eigen.js';

beforeAll(async () => {
  await initBackend();
});

/** n frames of a correlated 4D Gaussian with scales 0.05 … 3 (like restrained vs free coordinates). */
function correlated(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n * 4);
  for (let f = 0; f < n; f++) {
    const [a, b, c, d] = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    out.set([1 + 3 * a, -2 + 3 * a + 0.5 * b, 0.05 * c, 0.2 * d - 0.1 * b], f * 4);
  }
  return out;
}

function randomise(flow: ReturnType<typeof createFlow>, rng: Rng, scale: number): void {
  for (const { variable } of flow.variables()) {
    tf.tidy(() =>
      variable.assign(tf.add(variable, tf.tensor(rng.normals(variable.size, scale), variable.shape))),
    );
  }
}

const spec = { blocks: ['R', 'R', 'R'] as ('R' | 'N' | 'S')[], hidden: [8], activation: 'tanh' as const };

describe('symmetricEigen', () => {
  it('reconstructs a random symmetric matrix from orthonormal eigenvectors, values descending', () => {
    const rng = new Rng(5);
    const n = 7;
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) m[i * n + j] = m[j * n + i] = rng.normal();
    const { values, vectors } = symmetricEigen(m, n);
    for (let k = 1; k < n; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let a = 0;
        let vtv = 0;
        for (let k = 0; k < n; k++) {
          a += vectors[i * n + k] * values[k] * vectors[j * n + k];
          vtv += vectors[k * n + i] * vectors[k * n + j];
        }
        expect(a).toBeCloseTo(m[i * n + j], 10);
        expect(vtv).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });
});

describe('whitening layer', () => {
  it('maps the training data to zero mean and unit covariance, with log|det| = ½ Σ log λ', () => {
    const rng = new Rng(1);
    const n = 4000;
    const data = correlated(rng, n);
    const flow = createFlow({ ...spec, whiten: true }, 4, rng);
    flow.fitWhitening(data, n);
    const w = flow.blocks.at(-1)!;
    expect(w.type).toBe('W');
    const out = w.inverse(tf.tensor2d(data, [n, 4]));
    const y = out.y.dataSync();
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let c = 0;
        let m = 0;
        for (let f = 0; f < n; f++) {
          c += y[f * 4 + i] * y[f * 4 + j];
          m += y[f * 4 + i];
        }
        expect(m / n).toBeCloseTo(0, 3);
        expect(c / (n - 1)).toBeCloseTo(i === j ? 1 : 0, 2);
      }
    }
    // Exact log det of the data covariance (sample), from the closed form of the generator above.
    const p = fitWhitening(data, n, 4);
    expect(out.logDetJ.dataSync()[0]).toBeCloseTo(-p.logDet, 4);
    expect(p.logDet).toBeLessThan(-1); // scales 0.05 and 0.2 make it strongly volume changing
    flow.dispose();
  });

  it('whitened flow: inverts, and log|det J| matches a numerical Jacobian', () => {
    const rng = new Rng(2);
    const data = correlated(rng, 2000);
    const flow = createFlow({ ...spec, whiten: true }, 4, rng);
    flow.fitWhitening(data, 2000);
    randomise(flow, rng, 0.3);
    const z = tf.tensor2d(rng.normals(50 * 4), [50, 4]);
    const fwd = flow.forward(z);
    const inv = flow.inverse(fwd.y);
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(inv.y, z))).dataSync()[0]);
    const det = tf.tidy(() => tf.max(tf.abs(tf.add(fwd.logDetJ, inv.logDetJ))).dataSync()[0]);
    expect(err).toBeLessThan(1e-4);
    expect(det).toBeLessThan(1e-3);
    const z0 = Array.from(rng.normals(4));
    const h = 1e-2;
    const rows: number[][] = [];
    for (let j = 0; j < 4; j++) {
      const plus = z0.slice();
      const minus = z0.slice();
      plus[j] += h;
      minus[j] -= h;
      const y = flow.forward(tf.tensor2d([plus, minus], [2, 4])).y.arraySync();
      rows.push(y[0].map((v, i) => (v - y[1][i]) / (2 * h)));
    }
    const logDet = flow.forward(tf.tensor2d([z0], [1, 4])).logDetJ.dataSync()[0];
    expect(logDet).toBeCloseTo(Math.log(Math.abs(det4(rows))), 2);
    flow.dispose();
  });

  it('is saved and loaded with the weights; a flow without whitening rejects them', () => {
    const rng = new Rng(3);
    const a = createFlow({ ...spec, whiten: true }, 4, rng);
    a.fitWhitening(correlated(rng, 500), 500);
    randomise(a, rng, 0.2);
    const b = createFlow({ ...spec, whiten: true }, 4, new Rng(9));
    deserializeFlow(b, serializeFlow(a));
    const z = tf.tensor2d(rng.normals(3 * 4), [3, 4]);
    expect(b.forward(z).y.arraySync()).toEqual(a.forward(z).y.arraySync());
    expect(b.variables().length).toBe(a.variables().length);
    expect(b.tensors().length).toBe(a.variables().length + 4);
    const plain = createFlow(spec, 4, rng);
    expect(() => deserializeFlow(plain, serializeFlow(a))).toThrow(/whitened/);
    [a, b, plain].forEach((f) => f.dispose());
  });
});

function det4(m: number[][]): number {
  const a = m.map((r) => r.slice());
  let d = 1;
  for (let c = 0; c < a.length; c++) {
    let p = c;
    for (let r = c + 1; r < a.length; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (p !== c) {
      [a[p], a[c]] = [a[c], a[p]];
      d = -d;
    }
    d *= a[c][c];
    for (let r = c + 1; r < a.length; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k < a.length; k++) a[r][k] -= f * a[c][k];
    }
  }
  return d;
}
