/**
 * Dense (fully connected) layer y = x·W + b, alone or followed by tanh, with hand-written gradients.
 *
 * Two implementations behind one function, chosen per call by the backend:
 * - native kernels (wasm backend + native addon, src/core/native): one fused kernel computes
 *   x·W + b and tanh in a single pass; the gradient multiplies with transpose flags (free in BLAS)
 *   and sums the bias gradient without a transpose.
 * - plain tfjs: the gradient multiplies explicitly transposed tensors, because the stock matMul
 *   gradient passes transpose flags, which the wasm backend runs in a naive loop instead of
 *   XNNPACK (TOOLCHAIN.md: 6x slower step); tanh is our 2σ(2x)−1 (activation.ts).
 */
import { nativeKernelsActive, tf } from '../backend.js';
import { COL_SUM, DENSE, runKernel as run, TANH_GRAD } from '../native/wasmKernels.js';
import { fastTanh } from './activation.js';

type Arg = tf.Tensor | tf.GradSaveFunc;
type Dense = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const tfjsDense: Dense = tf.customGrad((...args: Arg[]) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy), tf.sum(dy, 0)];
    },
  };
}) as Dense;

function nativeDenseWith(activation: 'linear' | 'tanh'): Dense {
  return tf.customGrad((...args: Arg[]) => {
    const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const y = run(DENSE, { x, w, b }, { activation }) as tf.Tensor2D;
    save(activation === 'tanh' ? [x, w, y] : [x, w]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D?];
        const g = ys ? (run(TANH_GRAD, { y: ys, dy }) as tf.Tensor2D) : dy;
        const grads = [tf.matMul(g, ws, false, true), tf.matMul(xs, g, true, false), run(COL_SUM, { x: g })];
        // tfjs keeps every tensor of the backward pass until the pass ends (PyTorch frees them as it
        // goes): g is ours, so free it now. dy is not always ours to free: it is the caller's own
        // tensor when this layer's output is what tf.grads differentiates with a given dy.
        if (g !== dy) g.dispose();
        return grads;
      },
    };
  }) as Dense;
}

const nativeDense = nativeDenseWith('linear');
const nativeDenseTanh = nativeDenseWith('tanh');

/** x·W + b. */
export const dense: Dense = (x, w, b) => (nativeKernelsActive() ? nativeDense(x, w, b) : tfjsDense(x, w, b));

/** tanh(x·W + b), fused into one kernel where the native kernels are active. */
export const denseTanh: Dense = (x, w, b) =>
  nativeKernelsActive() ? nativeDenseTanh(x, w, b) : (fastTanh(tfjsDense(x, w, b)) as tf.Tensor2D);

type Project = (x: tf.Tensor2D, p: tf.Tensor2D, pT: tf.Tensor2D) => tf.Tensor2D;

/**
 * x·P for a constant matrix P (channel selection / reaction-coordinate projection) with the
 * input gradient dy·Pᵀ from a precomputed transpose; P itself gets no gradient.
 */
export const project: Project = tf.customGrad((...args: Arg[]) => {
  const [x, p, pT, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([pT]);
  return {
    value: tf.matMul(x, p) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => [
      tf.matMul(dy, saved[0] as tf.Tensor2D),
      tf.zerosLike(p),
      tf.zerosLike(pT),
    ],
  };
}) as Project;
