import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBackend, initBackend, nativeKernelStatus, tf } from '../../../src/core/backend.js';
import { dense, denseTanh } from '../../../src/core/flows/dense.js';
import { loadNativeAddon } from '../../../src/core/native/addon.js';
import { DENSE } from '../../../src/core/native/wasmKernels.js';
import { Rng } from '../../../src/core/random.js';

// CI builds the addon (npm install + libopenblas-dev); only an explicit BGW_NATIVE=0 runs without.
const wanted = process.env.BGW_NATIVE !== '0';

/** Float64 reference product of row-major matrices, with optional transposes. */
function matmulRef(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  return c;
}

function maxRelError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    err = Math.max(err, Math.abs(got[i] - want[i]));
  }
  return err / Math.max(scale, 1e-30);
}

const rng = new Rng(42);
const randn = (n: number, s = 1) => rng.normals(n, s);

beforeAll(async () => {
  await initBackend('wasm');
});

describe('native kernels on the wasm backend', () => {
  it('are active where the addon is built, and say why not otherwise', () => {
    const status = nativeKernelStatus();
    // Fails on a machine without the addon: say how to get it (or how to test without it).
    expect(
      status.active,
      `native kernels: ${status.detail}; apt-get install libopenblas-dev && npm run build:native, or BGW_NATIVE=0 npm test`,
    ).toBe(wanted);
    if (wanted) {
      expect(status.detail).toMatch(/OpenBLAS/);
      expect(describeBackend()).toMatch(/^wasm \+ OpenBLAS [\d.]+ \(1 thread\)$/);
    } else {
      expect(status.detail).toMatch(/BGW_NATIVE=0/);
      expect(describeBackend()).toBe('wasm');
    }
  });

  it.runIf(wanted)('multiply every transpose combination, rank 2 and rank 3, like a float64 loop', () => {
    const [m, n, k] = [37, 23, 51];
    for (const ta of [false, true])
      for (const tb of [false, true]) {
        const a = randn(m * k);
        const b = randn(k * n);
        const want = matmulRef(a, b, m, n, k, ta, tb);
        const got2 = tf.matMul(
          tf.tensor2d(a, ta ? [k, m] : [m, k]),
          tf.tensor2d(b, tb ? [n, k] : [k, n]),
          ta,
          tb,
        );
        const got3 = tf.matMul(
          tf.tensor3d(a, ta ? [1, k, m] : [1, m, k]),
          tf.tensor3d(b, tb ? [1, n, k] : [1, k, n]),
          ta,
          tb,
        );
        expect(got2.shape).toEqual([m, n]);
        expect(got3.shape).toEqual([1, m, n]);
        expect(maxRelError(got2.dataSync(), want)).toBeLessThan(1e-5);
        expect(maxRelError(got3.dataSync(), want)).toBeLessThan(1e-5);
      }
  });

  it.runIf(wanted)('leave batched products and shape errors to the stock kernel', () => {
    const a = tf.tensor3d(randn(2 * 3 * 4), [2, 3, 4]);
    const b = tf.tensor3d(randn(2 * 4 * 5), [2, 4, 5]);
    const c = tf.matMul(a, b);
    expect(c.shape).toEqual([2, 3, 5]);
    const a1 = a.slice([1, 0, 0], [1, 3, 4]).reshape([3, 4]);
    const b1 = b.slice([1, 0, 0], [1, 4, 5]).reshape([4, 5]);
    const want = matmulRef(
      a1.dataSync() as Float32Array,
      b1.dataSync() as Float32Array,
      3,
      5,
      4,
      false,
      false,
    );
    expect(maxRelError(c.slice([1, 0, 0], [1, 3, 5]).dataSync(), want)).toBeLessThan(1e-5);
    expect(() => tf.matMul(tf.ones([3, 4]), tf.ones([5, 2]))).toThrow(/inner shapes/);
  });

  it.runIf(wanted)('fuse x·W + b and tanh to float32 accuracy, keeping NaN and saturating ±∞', () => {
    const [m, k, n] = [50, 30, 20];
    const x = randn(m * k);
    const w = randn(k * n, 0.5);
    const b = randn(n);
    const pre = matmulRef(x, w, m, n, k, false, false).map((v, i) => v + b[i % n]);
    const run = (activation: string) =>
      (
        tf
          .engine()
          .runKernel(
            DENSE,
            { x: tf.tensor2d(x, [m, k]), w: tf.tensor2d(w, [k, n]), b: tf.tensor1d(b) },
            { activation },
          ) as tf.Tensor
      ).dataSync();
    expect(maxRelError(run('linear'), pre)).toBeLessThan(1e-5);
    const th = run('tanh');
    let worst = 0;
    for (let i = 0; i < pre.length; i++) worst = Math.max(worst, Math.abs(th[i] - Math.tanh(pre[i])));
    expect(worst).toBeLessThan(1e-6);
    // Edge values through an identity layer.
    const edge = [NaN, Infinity, -Infinity, 0, 1e-8, -20, 20, 9.5, -0.3];
    const out = (
      tf
        .engine()
        .runKernel(
          DENSE,
          { x: tf.tensor2d(edge, [edge.length, 1]), w: tf.tensor2d([1], [1, 1]), b: tf.tensor1d([0]) },
          { activation: 'tanh' },
        ) as tf.Tensor
    ).dataSync();
    expect(Number.isNaN(out[0])).toBe(true);
    for (let i = 1; i < edge.length; i++) expect(Math.abs(out[i] - Math.tanh(edge[i]))).toBeLessThan(1e-6);
  });

  it.runIf(wanted)('give dense and denseTanh the gradients of tf autodiff', () => {
    const x = tf.tensor2d(randn(40 * 16), [40, 16]);
    const w = tf.tensor2d(randn(16 * 24, 0.4), [16, 24]);
    const b = tf.tensor1d(randn(24));
    const probe = tf.tensor2d(randn(40 * 24), [40, 24]);
    for (const [ours, stock] of [
      [
        denseTanh,
        (xx: tf.Tensor2D, ww: tf.Tensor2D, bb: tf.Tensor1D) => tf.tanh(tf.add(tf.matMul(xx, ww), bb)),
      ],
      [dense, (xx: tf.Tensor2D, ww: tf.Tensor2D, bb: tf.Tensor1D) => tf.add(tf.matMul(xx, ww), bb)],
    ] as const) {
      const loss = (f: typeof stock) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(f(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), probe));
      const g1 = tf.grads(loss(ours as typeof stock))([x, w, b]);
      const g2 = tf.grads(loss(stock))([x, w, b]);
      for (let i = 0; i < 3; i++) expect(maxRelError(g1[i].dataSync(), g2[i].dataSync())).toBeLessThan(2e-5);
    }
  });

  it.runIf(wanted)('refuse offsets outside the heap with a RangeError instead of touching memory', () => {
    const load = loadNativeAddon();
    if (!load.addon) throw new Error(load.reason);
    const heap = new ArrayBuffer(64);
    expect(() => load.addon!.gemm(heap, 0, 0, 60, 2, 2, 2, 0, 0, -1, 0)).toThrow(RangeError);
    expect(() => load.addon!.colSum(heap, 0, 2, 2, 2)).toThrow(/outside the heap/);
    expect(() => load.addon!.gemm({} as ArrayBuffer, 0, 0, 0, 1, 1, 1, 0, 0, -1, 0)).toThrow(/ArrayBuffer/);
  });

  it('compute the same flow and gradient as plain WebAssembly (BGW_NATIVE=0 child process)', () => {
    const probe = fileURLToPath(new URL('./fallbackProbe.ts', import.meta.url));
    const runProbe = (env: Record<string, string>) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', probe], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
      if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as {
        native: boolean;
        y: number[];
        logDetJ: number[];
        loss: number;
        gradient: number[];
      };
    };
    const plain = runProbe({ BGW_NATIVE: '0' });
    const ours = runProbe({});
    expect(plain.native).toBe(false);
    expect(ours.native).toBe(wanted);
    expect(maxRelError(ours.y, plain.y)).toBeLessThan(1e-5);
    expect(maxRelError(ours.logDetJ, plain.logDetJ)).toBeLessThan(1e-4);
    expect(Math.abs(ours.loss - plain.loss)).toBeLessThan(1e-4 * Math.abs(plain.loss) + 1e-5);
    expect(maxRelError(ours.gradient, plain.gradient)).toBeLessThan(1e-4);
  });
});
