import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBackend, initBackend, nativeKernelStatus, tf } from '../../../src/core/backend.js';
import { interleaveChannels, selectChannels } from '../../../src/core/flows/channels.js';
import { nativeAffine, nativeScaledTanh } from '../../../src/core/flows/couplingOps.js';
import { dense, denseTanh } from '../../../src/core/flows/dense.js';
import { loadNativeAddon } from '../../../src/core/native/addon.js';
import { DENSE } from '../../../src/core/native/wasmKernels.js';
import { Rng } from '../../../src/core/random.js';
import { maxRelError } from './compare.js';

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

  it.runIf(wanted)(
    'split channels by parity and merge them back, with each other as gradients (odd width)',
    () => {
      const [m, width] = [5, 7];
      const xs = randn(m * width);
      const x = tf.tensor2d(xs, [m, width]);
      for (const parity of [0, 1] as const) {
        const other = (1 - parity) as 0 | 1;
        const a = selectChannels(x, parity);
        const b = selectChannels(x, other);
        expect(a.shape).toEqual([m, parity === 0 ? 4 : 3]);
        const want = (p: number) => xs.filter((_, k) => (k % width) % 2 === p);
        expect(Array.from(a.dataSync())).toEqual(Array.from(want(parity)));
        expect(Array.from(b.dataSync())).toEqual(Array.from(want(other)));
        expect(Array.from(interleaveChannels(a, b, parity).dataSync())).toEqual(Array.from(xs));
        // d/dx Σ w·select(x) puts w in the selected columns and zeros elsewhere.
        const w = tf.tensor2d(randn(a.size), a.shape as [number, number]);
        const [gx] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(selectChannels(t as tf.Tensor2D, parity), w)))([
          x,
        ]);
        const g = gx.arraySync() as number[][];
        const wv = w.arraySync() as number[][];
        for (let i = 0; i < m; i++)
          for (let c = 0; c < width; c++) expect(g[i][c]).toBe(c % 2 === parity ? wv[i][c >> 1] : 0);
        const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
          tf.sum(tf.mul(interleaveChannels(p as tf.Tensor2D, q as tf.Tensor2D, parity), x)),
        )([a, b]);
        expect(Array.from(ga.dataSync())).toEqual(Array.from(want(parity)));
        expect(Array.from(gb.dataSync())).toEqual(Array.from(want(other)));
      }
    },
  );

  it.runIf(wanted)('give the coupling ops the values and gradients of the tfjs formulas', () => {
    const shape: [number, number] = [30, 9];
    const x = tf.tensor2d(randn(270), shape);
    const raw = tf.tensor2d(randn(270, 3), shape);
    const t = tf.tensor2d(randn(270), shape);
    const probe = tf.tensor2d(randn(270), shape);
    const scale = nativeScaledTanh(2);
    type Op = (a: tf.Tensor2D, b: tf.Tensor2D, c: tf.Tensor2D) => tf.Tensor;
    const cases: [string, Op, Op][] = [
      ['scaled tanh', (_a, r) => scale(r), (_a, r) => tf.mul(tf.tanh(tf.div(r, 2)), 2)],
      [
        'affine',
        (a, r, c) => nativeAffine(false)(a, scale(r), c),
        (a, r, c) => tf.add(tf.mul(a, tf.exp(tf.mul(tf.tanh(tf.div(r, 2)), 2))), c),
      ],
      [
        'inverse affine',
        (a, r, c) => nativeAffine(true)(a, scale(r), c),
        (a, r, c) => tf.mul(tf.sub(a, c), tf.exp(tf.neg(tf.mul(tf.tanh(tf.div(r, 2)), 2)))),
      ],
    ];
    for (const [name, ours, stock] of cases) {
      expect(maxRelError(ours(x, raw, t).dataSync(), stock(x, raw, t).dataSync()), name).toBeLessThan(1e-5);
      const loss = (f: typeof ours) => (a: tf.Tensor, r: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor2D, r as tf.Tensor2D, c as tf.Tensor2D), probe));
      // Gradients with respect to raw only for the scale; x, raw and t for the maps.
      const wrt = (f: Op) =>
        name === 'scaled tanh'
          ? tf.grads((r: tf.Tensor) => loss(f)(x, r, t))([raw])
          : tf.grads(loss(f))([x, raw, t]);
      const g1 = wrt(ours);
      const g2 = wrt(stock);
      for (let i = 0; i < g1.length; i++)
        expect(maxRelError(g1[i].dataSync(), g2[i].dataSync()), `${name} grad ${i}`).toBeLessThan(2e-5);
    }
    // A NaN in the scale stays NaN through the map (the trainer's guard looks for it).
    const bad = nativeAffine(false)(
      tf.ones([1, 2]) as tf.Tensor2D,
      tf.tensor2d([[NaN, 0]]),
      tf.zeros([1, 2]) as tf.Tensor2D,
    );
    expect(Array.from(bad.dataSync()).map(Number.isNaN)).toEqual([true, false]);
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
