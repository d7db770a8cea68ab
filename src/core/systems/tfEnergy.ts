/**
 * Energies as a differentiable tfjs op: the system's hand-written energyAndForces (a typed-array
 * loop, ~20x faster than tensor ops, TOOLCHAIN.md) plugged in with tf.customGrad, gradient
 * −forces·dy. The lin-log cut of KL training is applied here in float64 with its exact slope, so
 * huge energies of early, wild samples never overflow float32.
 */
import { tf } from '../backend.js';
import type { EnergySystem } from './types.js';

export interface EnergyCut {
  /** Above this u (kT₀) energies grow as high + log(1 + u − high). */
  highEnergy: number;
  /** Energies are capped here before the log (gradient zero above it; infinities stay finite). */
  maxEnergy: number;
}

export const NO_CUT: EnergyCut = { highEnergy: Infinity, maxEnergy: Infinity };

/**
 * u_reg and du_reg/du for one raw energy, as the paper's linlogcut: u is first capped at
 * maxEnergy (NaN and ±∞ included, slope 0), then grows as high + ln(1 + u − high) above high.
 */
export function linLogCut(u: number, cut: EnergyCut): [number, number] {
  let x = u;
  let slope = 1;
  if (!(u < cut.maxEnergy)) {
    x = cut.maxEnergy;
    slope = 0;
  }
  if (x < cut.highEnergy) return [x, slope];
  return [cut.highEnergy + Math.log1p(x - cut.highEnergy), slope / (1 + x - cut.highEnergy)];
}

export interface EnergyOp {
  /** u_reg(x) per configuration, differentiable w.r.t. x. */
  op: (x: tf.Tensor2D) => tf.Tensor1D;
  /** Raw energies (before the cut) of the last forward call. */
  lastEnergy(): Float64Array | null;
}

export function createEnergyOp(system: EnergySystem, cut: EnergyCut = NO_CUT): EnergyOp {
  let last: Float64Array | null = null;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const [n, dim] = x.shape;
    const { energy, forces } = system.energyAndForces(x.dataSync() as Float32Array, n);
    last = energy;
    const u = new Float32Array(n);
    const g = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const [v, slope] = linLogCut(energy[i], cut);
      u[i] = v;
      for (let k = 0; k < dim; k++) g[i * dim + k] = slope === 0 ? 0 : -forces[i * dim + k] * slope;
    }
    const grad = tf.tensor2d(g, [n, dim]);
    save([grad]);
    return {
      value: tf.tensor1d(u),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0], tf.expandDims(dy, 1)),
    };
  }) as (x: tf.Tensor2D) => tf.Tensor1D;
  return { op, lastEnergy: () => last };
}

/** u(x) as a differentiable op, no cut. */
export function energyOp(system: EnergySystem): (x: tf.Tensor2D) => tf.Tensor1D {
  return createEnergyOp(system).op;
}
