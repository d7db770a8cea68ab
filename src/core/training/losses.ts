/**
 * The Boltzmann generator's losses (SCIENCE.md): ML (training by example), KL (training by
 * energy, multi-temperature) and the reaction-coordinate entropy loss.
 */
import { tf } from '../backend.js';
import type { Flow } from '../flows/flow.js';

/** ML: mean over data x of ½‖F_xz(x)‖² − log|det J_xz(x)|. */
export function mlLoss(flow: Flow, x: tf.Tensor2D): tf.Scalar {
  const { y: z, logDetJ } = flow.inverse(x);
  return tf.mean(tf.sub(tf.mul(tf.sum(tf.square(z), 1), 0.5), logDetJ)) as tf.Scalar;
}

/** The ML loss of frames outside training (held-out data), in chunks so memory stays bounded. */
export function mlLossOf(flow: Flow, frames: Float32Array, chunk = 2000): number {
  const dim = flow.dim;
  const n = frames.length / dim;
  let sum = 0;
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    const loss = tf.tidy(() =>
      mlLoss(flow, tf.tensor2d(frames.subarray(start * dim, (start + m) * dim), [m, dim])),
    );
    sum += loss.dataSync()[0] * m;
    loss.dispose();
  }
  return sum / n;
}

export interface KlTerms {
  loss: tf.Scalar;
  /** Generated configurations F_zx(z) (for the RC loss). */
  x: tf.Tensor2D;
  /** log|det J_zx(z)| per sample. */
  logDetJ: tf.Tensor1D;
}

/**
 * KL: mean over z ~ N(0, τI) of u_reg(F_zx(z))/τ − log|det J_zx(z)|; `z` is already scaled by
 * √τ per sample and `invTemperature` holds 1/τ per sample (multi-temperature batches).
 */
export function klLoss(
  flow: Flow,
  energy: (x: tf.Tensor2D) => tf.Tensor1D,
  z: tf.Tensor2D,
  invTemperature: tf.Tensor1D,
): KlTerms {
  const { y: x, logDetJ } = flow.forward(z);
  const u = energy(x);
  const loss = tf.mean(tf.sub(tf.mul(u, invTemperature), logDetJ)) as tf.Scalar;
  return { loss, x, logDetJ };
}

export interface RcHistogram {
  min: number;
  max: number;
  bins: number;
}

/**
 * Negative entropy Σ p_k ln p_k of a Gaussian-kernel histogram of rc values on [min, max]
 * (kernel width = bin width), so minimising it spreads samples along the coordinate.
 */
export function rcEntropyLoss(rc: tf.Tensor1D, h: RcHistogram): tf.Scalar {
  const width = (h.max - h.min) / h.bins;
  const centres = tf.linspace(h.min + width / 2, h.max - width / 2, h.bins);
  const d = tf.div(tf.sub(tf.expandDims(rc, 1), tf.expandDims(centres, 0)), width);
  const counts = tf.sum(tf.exp(tf.mul(tf.square(d), -0.5)), 0);
  const p = tf.div(counts, tf.add(tf.sum(counts), 1e-12));
  return tf.sum(tf.mul(p, tf.log(tf.add(p, 1e-12)))) as tf.Scalar;
}
