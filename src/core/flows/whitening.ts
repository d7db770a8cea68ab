/**
 * Fixed (not trained) whitening layer on the configuration side of a flow, as in the paper's code:
 * x = μ + A·y with A = V·Λ^½ from the PCA of the training data, so the coupling blocks see
 * decorrelated unit-variance coordinates instead of raw ones whose scales differ by ~10× (dimer
 * restraints vs free solvent). log|det J_zx| = ½ Σ log λ_k is constant. Its tensors are kept as
 * non-trainable variables so they are serialised with the flow and restored with a checkpoint.
 */
import { tf } from '../backend.js';
import { symmetricEigen } from '../linalg/eigen.js';
import { project } from './dense.js';
import type { Block, FlowOutput } from './blocks.js';
import type { NamedVariable } from './mlp.js';

/**
 * Variances below this fraction of the largest are raised to it, so a (near) zero-variance
 * direction of the data keeps the map invertible instead of being dropped as in the paper's code.
 */
export const MIN_RELATIVE_VARIANCE = 1e-8;

function constant(values: Float32Array, shape: number[]): tf.Variable {
  const t = tf.tensor(values, shape, 'float32');
  const v = tf.variable(t, false);
  t.dispose();
  return v;
}

export interface WhiteningParams {
  mean: Float64Array;
  /** Row-major dim×dim matrix P with x = μ + y·P (P = Aᵀ). */
  forward: Float64Array;
  /** Row-major dim×dim matrix Q with y = (x − μ)·Q (Q = A⁻ᵀ). */
  inverse: Float64Array;
  /** log|det A| = ½ Σ log λ_k. */
  logDet: number;
}

/** PCA whitening of `n` frames of `dim` coordinates (flat, row-major). */
export function fitWhitening(data: ArrayLike<number>, n: number, dim: number): WhiteningParams {
  if (n < 2 || data.length !== n * dim) throw new Error(`whitening needs ≥ 2 frames of ${dim} values`);
  const mean = new Float64Array(dim);
  for (let f = 0; f < n; f++) for (let k = 0; k < dim; k++) mean[k] += data[f * dim + k];
  for (let k = 0; k < dim; k++) mean[k] /= n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let f = 0; f < n; f++) {
    for (let k = 0; k < dim; k++) row[k] = data[f * dim + k] - mean[k];
    for (let i = 0; i < dim; i++) {
      const ri = row[i];
      for (let j = i; j < dim; j++) cov[i * dim + j] += ri * row[j];
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      cov[i * dim + j] /= n - 1;
      cov[j * dim + i] = cov[i * dim + j];
    }
  }
  const { values, vectors } = symmetricEigen(cov, dim);
  const floor = Math.max(values[0], 1e-30) * MIN_RELATIVE_VARIANCE;
  const forward = new Float64Array(dim * dim);
  const inverse = new Float64Array(dim * dim);
  let logDet = 0;
  for (let k = 0; k < dim; k++) {
    const sd = Math.sqrt(Math.max(values[k], floor));
    logDet += Math.log(sd);
    for (let i = 0; i < dim; i++) {
      // A[i][k] = V[i][k]·sd → P[k][i] = A[i][k]; A⁻¹[k][i] = V[i][k]/sd → Q[i][k] = A⁻¹[k][i].
      forward[k * dim + i] = vectors[i * dim + k] * sd;
      inverse[i * dim + k] = vectors[i * dim + k] / sd;
    }
  }
  return { mean, forward, inverse, logDet };
}

export class Whitening implements Block {
  readonly type = 'W' as const;
  private readonly mean: tf.Variable;
  private readonly forwardMatrix: tf.Variable;
  private readonly inverseMatrix: tf.Variable;
  private readonly logDet: tf.Variable;

  /** Starts as the identity map until `set` gives it the PCA of the training data. */
  constructor(
    readonly dim: number,
    private readonly name: string,
  ) {
    const eye = new Float32Array(dim * dim);
    for (let i = 0; i < dim; i++) eye[i * dim + i] = 1;
    this.mean = constant(new Float32Array(dim), [dim]);
    this.forwardMatrix = constant(eye, [dim, dim]);
    this.inverseMatrix = constant(eye, [dim, dim]);
    this.logDet = constant(new Float32Array(1), [1]);
  }

  set(p: WhiteningParams): void {
    const d = this.dim;
    if (p.mean.length !== d || p.forward.length !== d * d || p.inverse.length !== d * d) {
      throw new Error(`whitening parameters do not have ${d} dimensions`);
    }
    tf.tidy(() => {
      this.mean.assign(tf.tensor1d(Float32Array.from(p.mean)));
      this.forwardMatrix.assign(tf.tensor2d(Float32Array.from(p.forward), [d, d]));
      this.inverseMatrix.assign(tf.tensor2d(Float32Array.from(p.inverse), [d, d]));
      this.logDet.assign(tf.tensor1d([p.logDet]));
    });
  }

  private logDetOf(n: number, sign: number): tf.Tensor1D {
    return tf.mul(tf.ones([n]), tf.mul(tf.reshape(this.logDet, []), sign)) as tf.Tensor1D;
  }

  forward(y: tf.Tensor2D): FlowOutput {
    const p = this.forwardMatrix as unknown as tf.Tensor2D;
    const x = tf.add(project(y, p, tf.transpose(p)), this.mean) as tf.Tensor2D;
    return { y: x, logDetJ: this.logDetOf(y.shape[0], 1) };
  }

  inverse(x: tf.Tensor2D): FlowOutput {
    const q = this.inverseMatrix as unknown as tf.Tensor2D;
    const y = project(tf.sub(x, this.mean) as tf.Tensor2D, q, tf.transpose(q));
    return { y, logDetJ: this.logDetOf(x.shape[0], -1) };
  }

  variables(): NamedVariable[] {
    return [];
  }

  constants(): NamedVariable[] {
    return [
      { name: `${this.name}.mean`, variable: this.mean },
      { name: `${this.name}.forward`, variable: this.forwardMatrix },
      { name: `${this.name}.inverse`, variable: this.inverseMatrix },
      { name: `${this.name}.logDet`, variable: this.logDet },
    ];
  }
}
