/**
 * The affine coupling's elementwise part as single native kernels (where the native kernels are
 * active): the bounded log-scale s = bound·tanh(raw/bound) and the map y = x·eˢ + t (or its inverse
 * (x − t)·e⁻ˢ), each with a hand-written gradient. With plain tfjs ops these are ~25 kernel calls
 * per block and direction, and tfjs's per-call cost, not the arithmetic, dominated them.
 * boundedScale and affineMap choose: the native kernel where active, else the tfjs formula.
 */
import { nativeKernelsActive, tf } from '../backend.js';
import { AFFINE, AFFINE_GRAD, runKernel, SCALED_TANH, SCALED_TANH_GRAD } from '../native/wasmKernels.js';
import { fastTanh } from './activation.js';

type Arg = tf.Tensor | tf.GradSaveFunc;
type Unary = (x: tf.Tensor2D) => tf.Tensor2D;
type Ternary = (x: tf.Tensor2D, s: tf.Tensor2D, t: tf.Tensor2D) => tf.Tensor2D;

/** s = bound·tanh(raw/bound). */
export function nativeScaledTanh(bound: number): Unary {
  return tf.customGrad((...args: Arg[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const s = runKernel<tf.Tensor2D>(SCALED_TANH, { x }, { bound });
    save([s]);
    return {
      value: s,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        runKernel(SCALED_TANH_GRAD, { s: saved[0], dy }, { bound }),
    };
  }) as Unary;
}

/** y = x·eˢ + t (inverse: (x − t)·e⁻ˢ); gradients for x, s and t. */
export function nativeAffine(inverse: boolean): Ternary {
  return tf.customGrad((...args: Arg[]) => {
    const [x, s, t, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const y = runKernel<tf.Tensor2D>(AFFINE, { x, s, t }, { inverse });
    save([x, s, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ss, ys] = saved;
        return runKernel<tf.Tensor[]>(AFFINE_GRAD, { x: xs, s: ss, y: ys, dy }, { inverse });
      },
    };
  }) as Ternary;
}

const scales = new Map<number, Unary>();
const affines = [nativeAffine(false), nativeAffine(true)];

/** s = bound·tanh(raw/bound). */
export function boundedScale(raw: tf.Tensor2D, bound: number): tf.Tensor2D {
  if (!nativeKernelsActive()) return tf.mul(fastTanh(tf.div(raw, bound)), bound) as tf.Tensor2D;
  if (!scales.has(bound)) scales.set(bound, nativeScaledTanh(bound));
  return scales.get(bound)!(raw);
}

/** y = x·eˢ + t, or with `inverse` (x − t)·e⁻ˢ. */
export function affineMap(x: tf.Tensor2D, s: tf.Tensor2D, t: tf.Tensor2D, inverse: boolean): tf.Tensor2D {
  if (nativeKernelsActive()) return affines[+inverse](x, s, t);
  return (inverse ? tf.mul(tf.sub(x, t), tf.exp(tf.neg(s))) : tf.add(tf.mul(x, tf.exp(s)), t)) as tf.Tensor2D;
}
