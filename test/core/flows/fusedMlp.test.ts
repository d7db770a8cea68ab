import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, nativeKernelsActive, tf } from '../../../src/core/backend.js';
import { fusedTanhMlp, withInputGradientOnly } from '../../../src/core/flows/fusedMlp.js';
import { MLP } from '../../../src/core/flows/mlp.js';
import { loadNativeAddon } from '../../../src/core/native/addon.js';
import { MLP as MLP_KERNEL, runKernel } from '../../../src/core/native/wasmKernels.js';
import { Rng } from '../../../src/core/random.js';
import { maxRelError } from '../native/compare.js';

// The fused MLP exists only with the native kernels (kernels.test.ts says whether they must be on).
const native = process.env.BGW_NATIVE !== '0';

beforeAll(async () => {
  await initBackend('wasm');
});

/** An MLP with non-zero weights everywhere (the constructor zeroes the output layer). */
function randomMlp(sizes: number[], rng: Rng): MLP {
  const net = new MLP('net', sizes, 'tanh', rng);
  for (const { variable } of net.variables())
    variable.assign(tf.tensor(rng.normals(variable.size, 0.5), variable.shape));
  return net;
}

/** Stock tfjs autodiff of the same network: an independent reference. */
function stockApply(net: MLP, x: tf.Tensor2D): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  net.weights.forEach(({ w, b }, l) => {
    const z = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
    h = l + 1 < net.weights.length ? tf.tanh(z) : z;
  });
  return h;
}

describe.runIf(native)('fused tanh MLP (one native kernel per pass)', () => {
  it('is the one MLP.apply uses with tanh and native kernels', () => {
    expect(nativeKernelsActive()).toBe(true);
  });

  it('matches the per-layer path and tfjs autodiff in output and every gradient', () => {
    const rng = new Rng(11);
    for (const sizes of [
      [7, 16, 12, 5],
      [9, 20, 4],
      [6, 3],
    ]) {
      const net = randomMlp(sizes, rng);
      const m = 33;
      const x = tf.tensor2d(rng.normals(m * sizes[0]), [m, sizes[0]]);
      const probe = tf.tensor2d(rng.normals(m * sizes.at(-1)!), [m, sizes.at(-1)!]);
      const vars = net.variables().map((v) => v.variable);
      const run = (f: (t: tf.Tensor2D) => tf.Tensor2D) => {
        const loss = (t: tf.Tensor2D) => tf.sum(tf.mul(f(t), probe)) as tf.Scalar;
        const { value, grads } = tf.variableGrads(() => loss(x), vars);
        const [gx] = tf.grads((t: tf.Tensor) => loss(t as tf.Tensor2D))([x]);
        return {
          y: f(x).dataSync(),
          value: value.dataSync()[0],
          gx: gx.dataSync(),
          grads: vars.map((v) => grads[v.name].dataSync()),
        };
      };
      const fused = run((t) => net.apply(t));
      for (const ref of [run((t) => net.applyPerLayer(t)), run((t) => stockApply(net, t))]) {
        expect(maxRelError(fused.y, ref.y), `${sizes} y`).toBeLessThan(1e-5);
        expect(Math.abs(fused.value - ref.value)).toBeLessThan(1e-5 * Math.abs(ref.value) + 1e-5);
        expect(maxRelError(fused.gx, ref.gx), `${sizes} dx`).toBeLessThan(2e-5);
        ref.grads.forEach((g, i) =>
          expect(maxRelError(fused.grads[i], g), `${sizes} ${vars[i].name}`).toBeLessThan(2e-5),
        );
      }
    }
  });

  it('leaves the tensor count and memory flat over repeated training steps', () => {
    const rng = new Rng(3);
    const net = randomMlp([8, 24, 24, 8], rng);
    const x = tf.tensor2d(rng.normals(40 * 8), [40, 8]);
    const vars = net.variables().map((v) => v.variable);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.apply(x))) as tf.Scalar, vars);
      tf.dispose([value, ...Object.values(grads)]);
      // Forward only (no tape): the hidden activations must not be kept either.
      tf.tidy(() => net.apply(x).dataSync());
    };
    step();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) step();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });

  it('leaves a caller-supplied output gradient intact', () => {
    const rng = new Rng(4);
    const net = randomMlp([5, 8, 3], rng);
    const x = tf.tensor2d(rng.normals(6 * 5), [6, 5]);
    const dy = tf.ones([6, 3]);
    const [gx] = tf.grads((t: tf.Tensor) => net.apply(t as tf.Tensor2D))([x], dy);
    // The per-layer path (other activations, no addon) must leave it intact too.
    const dyPerLayer = tf.ones([6, 3]);
    const [ref] = tf.grads((t: tf.Tensor) => net.applyPerLayer(t as tf.Tensor2D))([x], dyPerLayer);
    for (const d of [dy, dyPerLayer]) {
      expect(d.isDisposed).toBe(false);
      expect(tf.sum(d).dataSync()[0]).toBe(18);
    }
    expect(maxRelError(gx.dataSync(), ref.dataSync())).toBeLessThan(2e-5);
  });

  it('computes the same input gradient without the weight gradients when only it is wanted', () => {
    const rng = new Rng(5);
    const net = randomMlp([5, 8, 8, 3], rng);
    const x = tf.tensor2d(rng.normals(7 * 5), [7, 5]);
    const f = (t: tf.Tensor) => tf.sum(tf.square(net.apply(t as tf.Tensor2D)));
    const full = tf.grad(f)(x);
    const only = withInputGradientOnly(() => tf.grad(f)(x));
    expect(Array.from(only.dataSync())).toEqual(Array.from(full.dataSync()));
    // Inside the call the weight gradients are not computed (zeros); outside, they are back.
    const skipped = withInputGradientOnly(() => tf.variableGrads(() => f(x) as tf.Scalar).grads);
    expect(Object.values(skipped).every((g) => tf.any(tf.notEqual(g, 0)).dataSync()[0] === 0)).toBe(true);
    const { grads } = tf.variableGrads(() => f(x) as tf.Scalar);
    expect(Object.values(grads).some((g) => tf.any(tf.notEqual(g, 0)).dataSync()[0] === 1)).toBe(true);
  });

  it('refuses inputs that do not fit, with the input named', () => {
    const x = tf.zeros([5, 3]);
    const w0 = tf.zeros([3, 4]);
    const b0 = tf.zeros([4]);
    const w1 = tf.zeros([4, 2]);
    const b1 = tf.zeros([2]);
    const mlp =
      (inputs: tf.NamedTensorMap, layers = 2) =>
      () =>
        runKernel(MLP_KERNEL, inputs, { layers });
    expect(mlp({ x, w0, b0, w1, b1: tf.zeros([3]) })).toThrow(/BgwMlp: b1 is \[3\], expected \[2\]/);
    expect(mlp({ x, w0: tf.zeros([2, 4]), b0, w1, b1 })).toThrow(/w0 is \[2,4\], expected \[3,4\]/);
    expect(mlp({ x, w0, b0, w1 })).toThrow(/missing input b1/);
    expect(mlp({ x, w0, b0, w1, b1 }, 0)).toThrow(/layers must be a positive integer/);
    expect(mlp({ x: tf.zeros([5, 3], 'int32'), w0, b0, w1, b1 })).toThrow(/x must be float32/);
    expect(() => fusedTanhMlp(2)(x, w0, b0, tf.zeros([5, 2]), b1)).toThrow(/w1 is \[5,2\], expected \[4,2\]/);
  });

  it('checks every offset and size against the heap in the addon itself', () => {
    const { addon } = loadNativeAddon();
    if (!addon) throw new Error('addon missing');
    const heap = new ArrayBuffer(4096);
    const sizes = Int32Array.from([2, 3, 1]);
    // x [4,2] at 0, y [4,1] at 64, w0 [2,3] at 128, b0 at 192, w1 [3,1] at 256, b1 at 320, h0 [4,3] at 384
    const ok = [0, 64, 128, 192, 256, 320, 384];
    expect(() => addon.mlp(heap, 4, sizes, Float64Array.from(ok))).not.toThrow();
    expect(() => addon.mlp(heap, 4, sizes, Float64Array.from([...ok.slice(0, 6), 4090]))).toThrow(
      /outside the heap/,
    );
    expect(() => addon.mlp(heap, 4, sizes, Float64Array.from([0.5, ...ok.slice(1)]))).toThrow(
      /outside the heap/,
    );
    expect(() => addon.mlp(heap, 4, sizes, Float64Array.from(ok.slice(1)))).toThrow(
      /wrong number of MLP offsets/,
    );
    expect(() => addon.mlp(heap, 0, sizes, Float64Array.from(ok))).toThrow(/batch must be positive/);
    expect(() => addon.mlp(heap, 4, Int32Array.from([2, 0, 1]), Float64Array.from(ok))).toThrow(/widths/);
    expect(() => addon.mlp(heap, 4, new Int32Array(40).fill(1), new Float64Array(118))).toThrow(
      /1 to 32 layers/,
    );
    // mlpGrad: [dy, x, dx, w0, w1, h0, dw0, db0, dw1, db1]
    const grad = [64, 0, 512, 128, 256, 384, 576, 640, 704, 768];
    expect(() => addon.mlpGrad(heap, 4, sizes, Float64Array.from(grad))).not.toThrow();
    expect(() => addon.mlpGrad(heap, 4, sizes, Float64Array.from([...grad.slice(0, 9), 1e300]))).toThrow(
      /outside the heap/,
    );
    expect(() =>
      addon.mlpGrad(heap, 4, sizes, Float64Array.from([...grad.slice(0, 2), -1, ...grad.slice(3)])),
    ).not.toThrow();
  });
});
