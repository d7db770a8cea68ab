/**
 * Multilayer perceptron used as the S and T networks of coupling blocks: hidden layers with a
 * nonlinearity, linear output. The output layer starts at zero so every block starts as the
 * identity map (stable start for both ML and KL training).
 */
import { nativeKernelsActive, tf } from '../backend.js';
import type { Rng } from '../random.js';
import { dense, denseTanh } from './dense.js';
import { fusedTanhMlp } from './fusedMlp.js';

export type Activation = 'tanh' | 'relu' | 'elu' | 'silu';

export interface NamedVariable {
  name: string;
  variable: tf.Variable;
}

/** The other nonlinearities; tanh is fused into the dense layer (denseTanh). */
function activate(x: tf.Tensor2D, a: Exclude<Activation, 'tanh'>): tf.Tensor2D {
  switch (a) {
    case 'relu':
      return tf.relu(x);
    case 'elu':
      return tf.elu(x);
    case 'silu':
      return tf.mul(x, tf.sigmoid(x));
  }
}

/** Glorot-uniform matrix from our seeded Rng (not tf's global random state). */
export function glorot(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng.uniform() - 1) * limit;
  return out;
}

/** A trainable variable holding `values`, without leaking the initial tensor. */
export function makeVariable(values: Float32Array, shape: number[]): tf.Variable {
  const t = tf.tensor(values, shape, 'float32');
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

export class MLP {
  // tf variable names are global and must be unique, so our stable names live beside them.
  readonly weights: { w: tf.Variable<tf.Rank.R2>; b: tf.Variable<tf.Rank.R1>; l: number }[] = [];

  constructor(
    readonly name: string,
    sizes: number[],
    readonly activation: Activation,
    rng: Rng,
  ) {
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [nIn, nOut] = [sizes[l], sizes[l + 1]];
      const last = l + 2 === sizes.length;
      const w = last ? new Float32Array(nIn * nOut) : glorot(rng, nIn, nOut);
      this.weights.push({
        w: makeVariable(w, [nIn, nOut]) as tf.Variable<tf.Rank.R2>,
        b: makeVariable(new Float32Array(nOut), [nOut]) as tf.Variable<tf.Rank.R1>,
        l,
      });
    }
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    if (this.activation === 'tanh' && nativeKernelsActive() && x.shape[0] > 0) {
      const wb = this.weights.flatMap(({ w, b }) => [w, b]);
      return fusedTanhMlp(this.weights.length)(x, ...wb);
    }
    return this.applyPerLayer(x);
  }

  /** Layer by layer: the reference, and the path for other activations or without native kernels. */
  applyPerLayer(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    const a = this.activation;
    this.weights.forEach(({ w, b }, l) => {
      const hidden = l + 1 < this.weights.length;
      if (!hidden) h = dense(h, w, b);
      else h = a === 'tanh' ? denseTanh(h, w, b) : activate(dense(h, w, b), a);
    });
    return h;
  }

  variables(): NamedVariable[] {
    return this.weights.flatMap(({ w, b, l }) => [
      { name: `${this.name}.w${l}`, variable: w },
      { name: `${this.name}.b${l}`, variable: b },
    ]);
  }
}
