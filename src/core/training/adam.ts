/**
 * Adam (Kingma & Ba) over the flow's variables. Hand-written (30 lines) rather than
 * tf.train.adam so that its whole state (moments and step count) goes into our versioned
 * checkpoints by position, independent of tfjs's global variable names.
 */
import { nativeKernelsActive, tf } from '../backend.js';
import { ADAM, runKernel, SUM_SQUARES } from '../native/wasmKernels.js';

export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

export class Adam {
  private step = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(
    private readonly params: tf.Variable[],
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    // tidy frees the zerosLike temporaries; the variables keep their own reference.
    this.m = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.v = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  apply(grads: tf.Tensor[], learningRate: number, scale = 1): void {
    this.step++;
    const c1 = 1 - this.beta1 ** this.step;
    const c2 = 1 - this.beta2 ** this.step;
    const alpha = (learningRate * Math.sqrt(c2)) / c1;
    if (nativeKernelsActive()) {
      const attrs = { alpha, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, scale };
      this.params.forEach((p, i) => {
        const inputs = { p, g: grads[i], m: this.m[i], v: this.v[i] };
        const [p1, m1, v1] = runKernel<tf.Tensor[]>(ADAM, inputs, attrs);
        [p, this.m[i], this.v[i]].forEach((t, k) => t.assign([p1, m1, v1][k]));
        tf.dispose([p1, m1, v1]);
      });
      return;
    }
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = scale === 1 ? grads[i] : tf.mul(grads[i], scale);
        this.m[i].assign(tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1)));
        this.v[i].assign(tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        p.assign(tf.sub(p, tf.div(tf.mul(this.m[i], alpha), tf.add(tf.sqrt(this.v[i]), this.epsilon))));
      });
    });
  }

  /** ‖g‖₂ over all tensors (the global gradient norm used for clipping and the metrics). */
  static globalNorm(grads: tf.Tensor[]): number {
    if (nativeKernelsActive()) {
      const sq = runKernel(SUM_SQUARES, grads as unknown as tf.NamedTensorMap);
      const value = Math.sqrt(sq.dataSync()[0]);
      sq.dispose();
      return value;
    }
    return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
  }

  reset(): void {
    this.step = 0;
    tf.tidy(() => [...this.m, ...this.v].forEach((t) => t.assign(tf.zerosLike(t))));
  }

  state(): AdamState {
    return {
      step: this.step,
      m: this.m.map((t) => t.dataSync() as Float32Array),
      v: this.v.map((t) => t.dataSync() as Float32Array),
    };
  }

  setState(s: AdamState): void {
    if (s.m.length !== this.m.length || s.v.length !== this.v.length) {
      throw new Error('Optimizer state does not match the flow (different number of tensors)');
    }
    this.step = s.step;
    tf.tidy(() => {
      this.m.forEach((t, i) => t.assign(tf.tensor(s.m[i], t.shape, 'float32')));
      this.v.forEach((t, i) => t.assign(tf.tensor(s.v[i], t.shape, 'float32')));
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
