/**
 * The Boltzmann density pulled back to latent space, log p_Z(z) = −u(F_zx(z))/τ + log|det J_zx(z)|,
 * with its gradient in z: what Langevin moves in latent space follow. The gradient runs back
 * through the system's forces (createEnergyOp) and the flow (tfjs autodiff; the fused MLP kernels
 * return their input gradient).
 */
import { tf } from '../backend.js';
import type { Flow } from '../flows/flow.js';
import { withInputGradientOnly } from '../flows/fusedMlp.js';
import type { EnergyOp } from '../systems/tfEnergy.js';

export interface LatentPoint {
  /** F_zx(z), row per point. */
  x: Float32Array;
  /** u(x) in kT₀, before any cut. */
  energy: Float64Array;
  logDetJ: Float32Array;
  /** ∇_z log p_Z(z), row per point (non-finite where the energy is). */
  grad: Float32Array;
}

export function latentDensityGradient(
  flow: Flow,
  energy: EnergyOp,
  tau: number,
  z: Float32Array,
  m: number,
): LatentPoint {
  const zt = tf.tensor2d(z, [m, flow.dim]);
  let x: tf.Tensor | null = null;
  let logDetJ: tf.Tensor | null = null;
  // Only ∇_z is wanted: the networks' weight gradients are skipped.
  const grad = withInputGradientOnly(() =>
    tf.grad((zv: tf.Tensor) => {
      const out = flow.forward(zv as tf.Tensor2D);
      x = tf.keep(out.y);
      logDetJ = tf.keep(out.logDetJ);
      return tf.sum(tf.sub(out.logDetJ, tf.div(energy.op(out.y), tau)));
    })(zt),
  );
  zt.dispose();
  try {
    const u = energy.lastEnergy();
    if (!u || u.length !== m) throw new Error('energy op returned no energies');
    return {
      x: x!.dataSync() as Float32Array,
      energy: u,
      logDetJ: logDetJ!.dataSync() as Float32Array,
      grad: grad.dataSync() as Float32Array,
    };
  } finally {
    grad.dispose();
    x!.dispose();
    logDetJ!.dispose();
  }
}
