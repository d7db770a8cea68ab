/**
 * Dense (fully connected) layer y = x·W + b with a hand-written gradient that multiplies
 * explicitly transposed tensors. The stock matMul gradient passes transposeA/transposeB flags,
 * which the wasm backend runs in a naive loop instead of XNNPACK (TOOLCHAIN.md: 6x slower step).
 */
import { tf } from '../backend.js';

type Arg = tf.Tensor | tf.GradSaveFunc;
type Dense = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

export const dense: Dense = tf.customGrad((...args: Arg[]) => {
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
