/**
 * A whole tanh MLP (hidden layers tanh, last linear) as one native kernel per pass, where the
 * native kernels are active: the forward keeps the hidden activations for the backward, and the
 * backward computes dx and every dW, db in one call with its intermediate gradients in native
 * scratch memory. Per layer (dense.ts) the same network is 4 kernels forward and ~15 backward, each
 * with tfjs's per-call cost (dispatch, tape, output allocation); the arithmetic is the same.
 */
import { tf } from '../backend.js';
import { MLP, MLP_GRAD, runKernel } from '../native/wasmKernels.js';

type Arg = tf.Tensor | tf.GradSaveFunc;
/** (x, w0, b0, …, w_{L−1}, b_{L−1}) → y */
export type FusedMlp = (...xwb: tf.Tensor[]) => tf.Tensor2D;

const cache = new Map<number, FusedMlp>();

/** The fused tanh MLP of `layers` dense layers; call it as f(x, w0, b0, w1, b1, …). */
export function fusedTanhMlp(layers: number): FusedMlp {
  let f = cache.get(layers);
  if (!f) cache.set(layers, (f = build(layers)));
  return f;
}

let inputGradientOnly = false;

/**
 * Runs `f` (a tf.grad with respect to network inputs only, such as gradients in latent space) with
 * the fused MLPs' backward computing the input gradient alone: the weight and bias gradients, about
 * half of the backward's products, are skipped and reported as zeros. Never around training.
 */
export function withInputGradientOnly<T>(f: () => T): T {
  const before = inputGradientOnly;
  inputGradientOnly = true;
  try {
    return f();
  } finally {
    inputGradientOnly = before;
  }
}

function build(layers: number): FusedMlp {
  return tf.customGrad((...args: Arg[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [x, ...wb] = args as tf.Tensor[];
    const inputs: tf.NamedTensorMap = { x };
    for (let l = 0; l < layers; l++) [inputs[`w${l}`], inputs[`b${l}`]] = [wb[2 * l], wb[2 * l + 1]];
    const [y, ...hidden] = runKernel<tf.Tensor[]>(MLP, inputs, { layers });
    const ws = wb.filter((_, i) => i % 2 === 0);
    save([x, ...ws, ...hidden]);
    return {
      value: y as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const gin: tf.NamedTensorMap = { dy, x: saved[0] };
        for (let l = 0; l < layers; l++) gin[`w${l}`] = saved[1 + l];
        for (let l = 0; l + 1 < layers; l++) gin[`h${l}`] = saved[1 + layers + l];
        const grads = runKernel<tf.Tensor[]>(MLP_GRAD, gin, { layers, inputOnly: inputGradientOnly });
        // Without weight gradients tfjs still wants one per input: zeros, which nothing reads.
        if (inputGradientOnly) for (const w of wb) grads.push(tf.zerosLike(w));
        // tfjs keeps saved tensors until the whole backward pass ends (PyTorch frees them as it
        // goes). The hidden activations are ours and have no other reader once this network is
        // done: freeing them now lowers the step's peak memory (3 × [batch, 200] per network).
        // dy is left alone: it may be a caller's tensor, and it is only [batch, outputs].
        for (const h of saved.slice(1 + layers)) h.dispose();
        return grads;
      },
    };
  }) as FusedMlp;
}
