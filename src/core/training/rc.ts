/**
 * Differentiable (tensor) versions of the systems' reaction coordinates, for the RC entropy
 * loss. Gather-free (constant projections), since wasm lacks gather's gradient.
 */
import { tf } from '../backend.js';
import { project } from '../flows/dense.js';
import type { EnergySystem } from '../systems/types.js';

export interface RcTensor {
  (x: tf.Tensor2D): tf.Tensor1D;
  dispose(): void;
}

function projection(dim: number, columns: number[][]): { p: tf.Tensor2D; pT: tf.Tensor2D } {
  const m = columns.length;
  const values = new Float32Array(dim * m);
  columns.forEach((col, j) => col.forEach((c, i) => (values[i * m + j] = c)));
  const p = tf.keep(tf.tensor2d(values, [dim, m]));
  return { p, pT: tf.keep(tf.transpose(p)) };
}

function vec(dim: number, entries: Record<number, number>): number[] {
  return Array.from({ length: dim }, (_, i) => entries[i] ?? 0);
}

/** The system's reaction coordinate as a tensor function of x [n, dim] → [n]. */
export function rcTensor(system: EnergySystem): RcTensor {
  const dim = system.dim;
  let fn: (x: tf.Tensor2D) => tf.Tensor1D;
  let consts: tf.Tensor[];
  switch (system.id) {
    case 'double-well': {
      const { p, pT } = projection(dim, [vec(dim, { 0: 1 })]);
      consts = [p, pT];
      fn = (x) => tf.reshape(project(x, p, pT), [-1]) as tf.Tensor1D;
      break;
    }
    case 'mueller-brown': {
      const { p, pT } = projection(dim, [vec(dim, { 0: 0.7, 1: -0.7 })]);
      consts = [p, pT];
      fn = (x) => tf.reshape(project(x, p, pT), [-1]) as tf.Tensor1D;
      break;
    }
    case 'dimer': {
      // d = |p₁ − p₀| with p₀ = (x[0], x[1]), p₁ = (x[2], x[3]).
      const { p, pT } = projection(dim, [vec(dim, { 0: -1, 2: 1 }), vec(dim, { 1: -1, 3: 1 })]);
      consts = [p, pT];
      fn = (x) => tf.sqrt(tf.add(tf.sum(tf.square(project(x, p, pT)), 1), 1e-12)) as tf.Tensor1D;
      break;
    }
    default:
      throw new Error(`No differentiable reaction coordinate for system "${system.id}"`);
  }
  const out = ((x: tf.Tensor2D) => fn(x)) as RcTensor;
  out.dispose = () => tf.dispose(consts);
  return out;
}
