/**
 * The Boltzmann generator's network: a sequence of invertible blocks. forward is the generator
 * F_zx (latent → configuration), inverse is F_xz; both return log|det J| per sample.
 */
import type { FlowSpec } from '../../shared/runspec.js';
import { tf } from '../backend.js';
import type { Rng } from '../random.js';
import {
  AdditiveCoupling,
  AffineCoupling,
  ChannelSplit,
  Scaling,
  type Block,
  type FlowOutput,
} from './blocks.js';
import type { NamedVariable } from './mlp.js';
import { fitWhitening, Whitening } from './whitening.js';

export interface FlowArchitecture {
  dim: number;
  blocks: FlowSpec['blocks'];
  /** S and T of each affine block share one network (absent in older saved flows: two networks). */
  sharedTrunk?: boolean;
  hidden: number[];
  activation: FlowSpec['activation'];
  /** A fixed PCA whitening layer on the configuration side (absent in older saved flows). */
  whiten?: boolean;
}

export class Flow {
  readonly blocks: Block[];
  private readonly splits: ChannelSplit[];
  private readonly whitening: Whitening | null;

  constructor(
    readonly architecture: FlowArchitecture,
    rng: Rng,
  ) {
    const { dim, hidden, activation } = architecture;
    if (dim < 2 && architecture.blocks.some((b) => b !== 'S')) {
      throw new Error('Coupling blocks need at least 2 dimensions');
    }
    this.splits = [new ChannelSplit(dim, 0), new ChannelSplit(dim, 1)];
    let coupling = 0;
    this.blocks = architecture.blocks.map((type, i) => {
      const name = `b${i}${type}`;
      if (type === 'S') return new Scaling(dim, name);
      // Even/odd halves alternate between successive coupling blocks.
      const split = this.splits[coupling++ % 2];
      return type === 'R'
        ? new AffineCoupling(split, hidden, activation, rng, name, architecture.sharedTrunk === true)
        : new AdditiveCoupling(split, hidden, activation, rng, name);
    });
    // Last in z → x order: the coupling blocks work in whitened coordinates.
    this.whitening = architecture.whiten ? new Whitening(dim, `b${this.blocks.length}W`) : null;
    if (this.whitening) this.blocks.push(this.whitening);
  }

  /**
   * Set the whitening layer (if the flow has one) to the PCA of `n` training frames; a flow
   * without training data keeps the identity.
   */
  fitWhitening(data: ArrayLike<number>, n: number): void {
    this.whitening?.set(fitWhitening(data, n, this.dim));
  }

  get dim(): number {
    return this.architecture.dim;
  }

  /** z → x with log|det J_zx(z)|. */
  forward(z: tf.Tensor2D): FlowOutput {
    return tf.tidy(() => {
      let y = z;
      let logDetJ: tf.Tensor1D = tf.zeros([z.shape[0]]);
      for (const block of this.blocks) {
        const out = block.forward(y);
        y = out.y;
        logDetJ = tf.add(logDetJ, out.logDetJ);
      }
      return { y, logDetJ };
    });
  }

  /** x → z with log|det J_xz(x)|. */
  inverse(x: tf.Tensor2D): FlowOutput {
    return tf.tidy(() => {
      let y = x;
      let logDetJ: tf.Tensor1D = tf.zeros([x.shape[0]]);
      for (let i = this.blocks.length - 1; i >= 0; i--) {
        const out = this.blocks[i].inverse(y);
        y = out.y;
        logDetJ = tf.add(logDetJ, out.logDetJ);
      }
      return { y, logDetJ };
    });
  }

  /**
   * Plain values through F_zx ('forward') or F_xz ('inverse'), typed arrays in and out. Reads the
   * results outside tf.tidy on purpose: tidy walks whatever its callback returns, element by element
   * for a typed array (measured: 14 % of sampling time).
   */
  mapValues(
    direction: 'forward' | 'inverse',
    values: Float32Array,
    n: number,
  ): { y: Float32Array; logDetJ: Float32Array } {
    const input = tf.tensor2d(values, [n, this.dim]);
    const out = direction === 'forward' ? this.forward(input) : this.inverse(input);
    input.dispose();
    try {
      return { y: out.y.dataSync() as Float32Array, logDetJ: out.logDetJ.dataSync() as Float32Array };
    } finally {
      out.y.dispose();
      out.logDetJ.dispose();
    }
  }

  /** Trainable variables with stable names (what the optimiser updates). */
  variables(): NamedVariable[] {
    return this.blocks.flatMap((b) => b.variables());
  }

  /** Everything serialised with the flow: the trainable variables, then the fixed tensors. */
  tensors(): NamedVariable[] {
    return [...this.variables(), ...this.blocks.flatMap((b) => b.constants?.() ?? [])];
  }

  dispose(): void {
    for (const { variable } of this.tensors()) variable.dispose();
    for (const s of this.splits) s.dispose();
  }
}

export function createFlow(spec: FlowSpec, dim: number, rng: Rng): Flow {
  return new Flow(
    {
      dim,
      blocks: [...spec.blocks],
      hidden: [...spec.hidden],
      activation: spec.activation,
      ...(spec.sharedTrunk ? { sharedTrunk: true } : {}),
      ...(spec.whiten ? { whiten: true } : {}),
    },
    rng,
  );
}
