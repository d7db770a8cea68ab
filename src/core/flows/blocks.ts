/**
 * Invertible blocks. Each maps a batch [n, dim] and returns log|det J| per sample for the
 * direction taken: forward is z → x (the generator F_zx), inverse is x → z (F_xz).
 */
import { nativeKernelsActive, tf } from '../backend.js';
import type { Rng } from '../random.js';
import { interleaveChannels, selectChannels } from './channels.js';
import { affineMap, boundedScale } from './couplingOps.js';
import { project } from './dense.js';
import { MLP, makeVariable, type Activation, type NamedVariable } from './mlp.js';

export interface FlowOutput {
  y: tf.Tensor2D;
  /** log|det J| of the map applied, one value per sample. */
  logDetJ: tf.Tensor1D;
}

export interface Block {
  readonly type: 'R' | 'N' | 'S' | 'W';
  forward(x: tf.Tensor2D): FlowOutput;
  inverse(y: tf.Tensor2D): FlowOutput;
  /** Trainable variables. */
  variables(): NamedVariable[];
  /** Fixed tensors that are saved with the weights but not trained (the whitening layer's). */
  constants?(): NamedVariable[];
}

/** Constant 0/1 matrices that pick the even or odd channels (gather-free: wasm lacks its gradient). */
export class ChannelSplit {
  readonly d1: number;
  readonly d2: number;
  private readonly p1: tf.Tensor2D;
  private readonly p1T: tf.Tensor2D;
  private readonly p2: tf.Tensor2D;
  private readonly p2T: tf.Tensor2D;

  /** parity 0: first half = even channels (conditioning), second = odd (transformed). */
  constructor(
    dim: number,
    private readonly parity: 0 | 1,
  ) {
    const first: number[] = [];
    const second: number[] = [];
    for (let i = 0; i < dim; i++) (i % 2 === parity ? first : second).push(i);
    this.d1 = first.length;
    this.d2 = second.length;
    const sel = (idx: number[]): Float32Array => {
      const m = new Float32Array(dim * idx.length);
      idx.forEach((c, j) => (m[c * idx.length + j] = 1));
      return m;
    };
    // Kept (not variables): they live as long as the block; dispose() frees them.
    this.p1 = tf.keep(tf.tensor2d(sel(first), [dim, this.d1]));
    this.p1T = tf.keep(tf.transpose(this.p1));
    this.p2 = tf.keep(tf.tensor2d(sel(second), [dim, this.d2]));
    this.p2T = tf.keep(tf.transpose(this.p2));
  }

  split(x: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    if (nativeKernelsActive()) {
      const other = (1 - this.parity) as 0 | 1;
      return [selectChannels(x, this.parity), selectChannels(x, other)];
    }
    return [project(x, this.p1, this.p1T), project(x, this.p2, this.p2T)];
  }

  merge(x1: tf.Tensor2D, x2: tf.Tensor2D): tf.Tensor2D {
    if (nativeKernelsActive()) return interleaveChannels(x1, x2, this.parity);
    return tf.add(project(x1, this.p1T, this.p1), project(x2, this.p2T, this.p2));
  }

  dispose(): void {
    for (const t of [this.p1, this.p1T, this.p2, this.p2T]) t.dispose();
  }
}

/**
 * Bound on the per-channel log scale of an affine coupling: s = S_MAX·tanh(raw/S_MAX) is the
 * identity near zero and keeps exp(s) finite early in KL training (as bgflow's scaled tanh).
 */
const S_MAX = 2;

/**
 * Affine coupling (RealNVP): y₂ = x₂·exp(S(x₁)) + T(x₁), y₁ = x₁. S and T are two networks (the
 * paper), or with `sharedTrunk` one network whose 2·d₂ outputs are split into S and T.
 */
export class AffineCoupling implements Block {
  readonly type = 'R' as const;
  private readonly nets: { s: MLP; t: MLP } | { st: MLP };

  constructor(
    private readonly split: ChannelSplit,
    hidden: number[],
    activation: Activation,
    rng: Rng,
    name: string,
    sharedTrunk = false,
  ) {
    const [d1, d2] = [split.d1, split.d2];
    this.nets = sharedTrunk
      ? { st: new MLP(`${name}.ST`, [d1, ...hidden, 2 * d2], activation, rng) }
      : {
          s: new MLP(`${name}.S`, [d1, ...hidden, d2], activation, rng),
          t: new MLP(`${name}.T`, [d1, ...hidden, d2], activation, rng),
        };
  }

  private scaleShift(x1: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    const [raw, t] =
      'st' in this.nets
        ? (tf.split(this.nets.st.apply(x1), 2, 1) as [tf.Tensor2D, tf.Tensor2D])
        : [this.nets.s.apply(x1), this.nets.t.apply(x1)];
    return [boundedScale(raw, S_MAX), t];
  }

  forward(x: tf.Tensor2D): FlowOutput {
    const [x1, x2] = this.split.split(x);
    const [s, t] = this.scaleShift(x1);
    const y2 = affineMap(x2, s, t, false);
    return { y: this.split.merge(x1, y2), logDetJ: tf.sum(s, 1) };
  }

  inverse(y: tf.Tensor2D): FlowOutput {
    const [y1, y2] = this.split.split(y);
    const [s, t] = this.scaleShift(y1);
    const x2 = affineMap(y2, s, t, true);
    return { y: this.split.merge(y1, x2), logDetJ: tf.neg(tf.sum(s, 1)) as tf.Tensor1D };
  }

  variables(): NamedVariable[] {
    return 'st' in this.nets
      ? this.nets.st.variables()
      : [...this.nets.s.variables(), ...this.nets.t.variables()];
  }
}

/** Additive coupling (NICE): y₂ = x₂ + T(x₁); volume preserving. */
export class AdditiveCoupling implements Block {
  readonly type = 'N' as const;
  private readonly t: MLP;

  constructor(
    private readonly split: ChannelSplit,
    hidden: number[],
    activation: Activation,
    rng: Rng,
    name: string,
  ) {
    this.t = new MLP(`${name}.T`, [split.d1, ...hidden, split.d2], activation, rng);
  }

  forward(x: tf.Tensor2D): FlowOutput {
    const [x1, x2] = this.split.split(x);
    const y2 = tf.add(x2, this.t.apply(x1)) as tf.Tensor2D;
    return { y: this.split.merge(x1, y2), logDetJ: tf.zeros([x.shape[0]]) as tf.Tensor1D };
  }

  inverse(y: tf.Tensor2D): FlowOutput {
    const [y1, y2] = this.split.split(y);
    const x2 = tf.sub(y2, this.t.apply(y1)) as tf.Tensor2D;
    return { y: this.split.merge(y1, x2), logDetJ: tf.zeros([y.shape[0]]) as tf.Tensor1D };
  }

  variables(): NamedVariable[] {
    return this.t.variables();
  }
}

/** Learnable diagonal scaling: y = x·exp(λ), log det = Σλ. */
export class Scaling implements Block {
  readonly type = 'S' as const;
  private readonly logScale: tf.Variable;

  constructor(
    dim: number,
    private readonly name: string,
  ) {
    this.logScale = makeVariable(new Float32Array(dim), [dim]);
  }

  forward(x: tf.Tensor2D): FlowOutput {
    const n = x.shape[0];
    return {
      y: tf.mul(x, tf.exp(this.logScale)) as tf.Tensor2D,
      logDetJ: tf.mul(tf.ones([n]), tf.sum(this.logScale)),
    };
  }

  inverse(y: tf.Tensor2D): FlowOutput {
    const n = y.shape[0];
    return {
      y: tf.mul(y, tf.exp(tf.neg(this.logScale))) as tf.Tensor2D,
      logDetJ: tf.mul(tf.ones([n]), tf.neg(tf.sum(this.logScale))),
    };
  }

  variables(): NamedVariable[] {
    return [{ name: `${this.name}.logScale`, variable: this.logScale }];
  }
}
