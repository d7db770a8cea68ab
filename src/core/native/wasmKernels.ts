/**
 * Native kernels for the tfjs wasm backend. Tensors stay where the wasm backend keeps them (its
 * heap); the addon reads and writes them in place. We replace BatchMatMul (rank 2, or rank 3 with
 * one batch) and add kernels for the dense layer (BgwDense: x·W + b, optionally tanh, in one pass;
 * BgwTanhGrad, BgwColSum), a whole tanh MLP each way (BgwMlp, BgwMlpGrad), the optimiser (BgwAdam, BgwSumSquares: one call per tensor instead of
 * ~12 tfjs ops), and the coupling blocks (channel split/merge, bounded scale, affine map). tfjs's
 * per-call cost, not the arithmetic, dominated those small ops. Everything else stays on the wasm
 * backend's own kernels.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
// Not ../backend.js: backend.ts installs these kernels, and this module must not import it back.
import * as tf from '@tensorflow/tfjs';
import type { NativeKernelAddon } from './addon.js';

export const DENSE = 'BgwDense';
export const TANH_GRAD = 'BgwTanhGrad';
export const COL_SUM = 'BgwColSum';
/** One Adam step of one tensor: inputs {p, g, m, v}, outputs [p', m', v'] (hyper-parameters in attrs). */
export const ADAM = 'BgwAdam';
/** Σ x² over all input tensors (any number, keyed 0…n−1), as a float32 scalar; accumulated in double. */
export const SUM_SQUARES = 'BgwSumSquares';
/** A coupling block's channel split and merge as copies: {x} → the parity half; its reverse. */
export const SELECT_COLUMNS = 'BgwSelectColumns';
export const SCATTER_COLUMNS = 'BgwScatterColumns';
/** {a, b} → [m, width] with a in the parity columns and b in the others. */
export const INTERLEAVE = 'BgwInterleave';
/** The affine coupling's elementwise part: s = bound·tanh(raw/bound) ({x}, attrs {bound}) and its
 * gradient ({s, dy}); y = x·eˢ + t or (x − t)·e⁻ˢ ({x, s, t}, attrs {inverse}) and its gradient
 * ({x, s, y, dy} → [dx, ds, dt]). */
export const SCALED_TANH = 'BgwScaledTanh';
export const SCALED_TANH_GRAD = 'BgwScaledTanhGrad';
export const AFFINE = 'BgwAffine';
export const AFFINE_GRAD = 'BgwAffineGrad';

/**
 * A whole tanh MLP (hidden layers tanh, last linear) in one call: inputs {x, w0, b0, …, w_{L−1},
 * b_{L−1}}, attrs {layers: L}, outputs [y, h_0, …, h_{L−2}] (the hidden activations, which the
 * gradient needs). Its gradient: inputs {dy, x, w0…w_{L−1}, h0…h_{L−2}} → [dx, dw0, db0, …].
 */
export const MLP = 'BgwMlp';
export const MLP_GRAD = 'BgwMlpGrad';

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
};

function offset(backend: BackendWasm, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}

/** The heap as it is now: makeOutput may grow wasm memory and replace the ArrayBuffer. */
function heap(backend: BackendWasm): ArrayBuffer {
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer as ArrayBuffer;
}

/**
 * Run one of the kernels above on the active backend (they have no tfjs op wrapper). Returns the
 * output tensor, or the array of them for the multi-output kernels (BgwAdam, BgwAffineGrad).
 */
export function runKernel<T extends tf.Tensor | tf.Tensor[] = tf.Tensor>(
  kernel: string,
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap = {},
): T {
  return tf.engine().runKernel(kernel, inputs, attrs) as T;
}

const size = (t: tf.TensorInfo) => t.shape.reduce((p, d) => p * d, 1);

function float32(...ts: tf.TensorInfo[]): boolean {
  return ts.every((t) => t.dtype === 'float32');
}

/** Every input must be float32 with the first one's shape (the elementwise kernels); their size. */
function sameShape(name: string, ts: tf.TensorInfo[]): number {
  if (!float32(...ts) || ts.some((t) => t.shape.join() !== ts[0].shape.join())) {
    throw new Error(`${name}: inputs differ in shape or type (${ts.map((t) => `[${t.shape}]`).join(' ')})`);
  }
  return size(ts[0]);
}

/** [rows, cols] of a rank-2 tensor or a rank-3 tensor with a batch of one, else null. */
function matrixShape(t: tf.TensorInfo): [number, number] | null {
  if (t.shape.length === 2) return [t.shape[0], t.shape[1]];
  if (t.shape.length === 3 && t.shape[0] === 1) return [t.shape[1], t.shape[2]];
  return null;
}

let registered = false;

/** Idempotent: the second call would otherwise wrap our own BatchMatMul as the "stock" one. */
export function registerNativeKernels(addon: NativeKernelAddon): void {
  if (registered) return;
  registered = true;
  const stock = tf.getKernel('BatchMatMul', 'wasm');
  if (!stock) throw new Error('the wasm backend has no BatchMatMul kernel to replace');
  const stockMatMul = stock.kernelFunc as (args: KernelArgs) => tf.TensorInfo;

  const batchMatMul = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const transA = Boolean(args.attrs?.transposeA);
    const transB = Boolean(args.attrs?.transposeB);
    const sa = matrixShape(a);
    const sb = matrixShape(b);
    if (!sa || !sb || !float32(a, b) || a.shape.length !== b.shape.length) return stockMatMul(args);
    const [m, k] = transA ? [sa[1], sa[0]] : sa;
    const [k2, n] = transB ? [sb[1], sb[0]] : sb;
    if (k !== k2) return stockMatMul(args); // let the stock kernel raise its shape error
    const shape = a.shape.length === 3 ? [1, m, n] : [m, n];
    const out = backend.makeOutput(shape, 'float32');
    if (m * n === 0) return out;
    if (k === 0) {
      new Float32Array(heap(backend), offset(backend, out), m * n).fill(0);
      return out;
    }
    addon.gemm(
      heap(backend),
      offset(backend, a),
      offset(backend, b),
      offset(backend, out),
      m,
      n,
      k,
      +transA,
      +transB,
      -1,
      0,
    );
    return out;
  };

  const denseKernel = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { x, w, b } = args.inputs as { x: tf.TensorInfo; w: tf.TensorInfo; b: tf.TensorInfo };
    const [m, k] = x.shape;
    const n = w.shape[1];
    if (
      x.shape.length !== 2 ||
      w.shape.length !== 2 ||
      w.shape[0] !== k ||
      b.shape[0] !== n ||
      !float32(x, w, b)
    ) {
      throw new Error(`${DENSE}: shapes ${x.shape} · ${w.shape} + ${b.shape} do not fit`);
    }
    const out = backend.makeOutput([m, n], 'float32');
    if (m * n === 0) return out;
    const activation = args.attrs?.activation === 'tanh' ? 1 : 0;
    addon.gemm(
      heap(backend),
      offset(backend, x),
      offset(backend, w),
      offset(backend, out),
      m,
      n,
      k,
      0,
      0,
      offset(backend, b),
      activation,
    );
    return out;
  };

  const tanhGrad = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { y, dy } = args.inputs as { y: tf.TensorInfo; dy: tf.TensorInfo };
    const n = sameShape(TANH_GRAD, [y, dy]);
    const out = backend.makeOutput(y.shape, 'float32');
    if (n > 0)
      addon.tanhGrad(heap(backend), offset(backend, y), offset(backend, dy), offset(backend, out), n);
    return out;
  };

  const colSum = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const [m, n] = x.shape;
    const out = backend.makeOutput([n], 'float32');
    if (m === 0) new Float32Array(heap(backend), offset(backend, out), n).fill(0);
    else if (n > 0) addon.colSum(heap(backend), offset(backend, x), offset(backend, out), m, n);
    return out;
  };

  const adam = (args: KernelArgs): tf.TensorInfo[] => {
    const backend = args.backend as BackendWasm;
    const { p, g, m, v } = args.inputs as Record<'p' | 'g' | 'm' | 'v', tf.TensorInfo>;
    const a = args.attrs as Record<'alpha' | 'beta1' | 'beta2' | 'epsilon' | 'scale', number>;
    const n = size(p);
    if (size(g) !== n || size(m) !== n || size(v) !== n || !float32(p, g, m, v)) {
      throw new Error(`${ADAM}: parameter, gradient and moments differ in size or type`);
    }
    const out = [p, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
    if (n > 0) {
      const at = (t: tf.TensorInfo) => offset(backend, t);
      addon.adam(
        heap(backend),
        at(p),
        at(g),
        at(m),
        at(v),
        at(out[0]),
        at(out[1]),
        at(out[2]),
        n,
        a.alpha,
        a.beta1,
        a.beta2,
        a.epsilon,
        a.scale,
      );
    }
    return out;
  };

  const sumSquares = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const inputs = Object.values(args.inputs) as tf.TensorInfo[];
    if (!float32(...inputs)) throw new Error(`${SUM_SQUARES}: float32 tensors only`);
    let total = 0;
    for (const t of inputs)
      if (size(t) > 0) total += addon.sumSquares(heap(backend), offset(backend, t), size(t));
    return backend.makeOutput([], 'float32', undefined, Float32Array.of(total));
  };

  /**
   * The layer widths of an MLP kernel call from x and the weights, each input checked: float32,
   * non-empty, x [m, n0], w_l [n_l, n_{l+1}], b_l [n_{l+1}] (when `biases`), h_l [m, n_{l+1}].
   */
  const mlpSizes = (name: string, ins: Record<string, tf.TensorInfo>, layers: number, biases: boolean) => {
    const fail = (what: string): never => {
      throw new Error(`${name}: ${what}`);
    };
    if (!Number.isInteger(layers) || layers < 1) fail(`layers must be a positive integer, got ${layers}`);
    const fits = (key: string, want: number[]) => {
      const t = ins[key];
      if (!t) fail(`missing input ${key}`);
      if (t.dtype !== 'float32') fail(`${key} must be float32, got ${t.dtype}`);
      if (t.shape.join() !== want.join()) fail(`${key} is [${t.shape}], expected [${want}]`);
    };
    const x = ins.x;
    if (x?.shape.length !== 2 || x.shape[0] < 1 || x.shape[1] < 1) fail(`x must be a non-empty matrix`);
    const m = x.shape[0];
    const sizes = new Int32Array(layers + 1);
    sizes[0] = x.shape[1];
    fits('x', [m, sizes[0]]);
    for (let l = 0; l < layers; l++) {
      sizes[l + 1] = ins[`w${l}`]?.shape[1] ?? 0;
      if (!(sizes[l + 1] > 0)) fail(`w${l} must be a non-empty matrix`);
      fits(`w${l}`, [sizes[l], sizes[l + 1]]);
      if (biases) fits(`b${l}`, [sizes[l + 1]]);
      if (name === MLP_GRAD && l + 1 < layers) fits(`h${l}`, [m, sizes[l + 1]]);
    }
    if (name === MLP_GRAD) fits('dy', [m, sizes[layers]]);
    return { m, sizes };
  };

  const mlp = (args: KernelArgs): tf.TensorInfo[] => {
    const backend = args.backend as BackendWasm;
    const ins = args.inputs as Record<string, tf.TensorInfo>;
    const layers = Number(args.attrs?.layers);
    const { m, sizes } = mlpSizes(MLP, ins, layers, true);
    const y = backend.makeOutput([m, sizes[layers]], 'float32');
    const hidden = Array.from({ length: layers - 1 }, (_, l) =>
      backend.makeOutput([m, sizes[l + 1]], 'float32'),
    );
    const at = (t: tf.TensorInfo) => offset(backend, t);
    const offsets = [at(ins.x), at(y)];
    for (let l = 0; l < layers; l++) offsets.push(at(ins[`w${l}`]), at(ins[`b${l}`]));
    offsets.push(...hidden.map(at));
    addon.mlp(heap(backend), m, sizes, Float64Array.from(offsets));
    return [y, ...hidden];
  };

  const mlpGrad = (args: KernelArgs): tf.TensorInfo[] => {
    const backend = args.backend as BackendWasm;
    const ins = args.inputs as Record<string, tf.TensorInfo>;
    const layers = Number(args.attrs?.layers);
    const { m, sizes } = mlpSizes(MLP_GRAD, ins, layers, false);
    const dx = backend.makeOutput([m, sizes[0]], 'float32');
    const grads: tf.TensorInfo[] = [];
    // inputOnly: dx alone (gradients in latent space need no weight gradients).
    if (!args.attrs?.inputOnly)
      for (let l = 0; l < layers; l++)
        grads.push(
          backend.makeOutput([sizes[l], sizes[l + 1]], 'float32'),
          backend.makeOutput([sizes[l + 1]], 'float32'),
        );
    const at = (t: tf.TensorInfo) => offset(backend, t);
    const offsets = [at(ins.dy), at(ins.x), at(dx)];
    for (let l = 0; l < layers; l++) offsets.push(at(ins[`w${l}`]));
    for (let l = 0; l + 1 < layers; l++) offsets.push(at(ins[`h${l}`]));
    offsets.push(...grads.map(at));
    addon.mlpGrad(heap(backend), m, sizes, Float64Array.from(offsets));
    return [dx, ...grads];
  };

  const halfOf = (width: number, parity: number) => Math.floor((width + 1 - parity) / 2);

  const columnOp =
    (op: 0 | 1) =>
    (args: KernelArgs): tf.TensorInfo => {
      const backend = args.backend as BackendWasm;
      const { x } = args.inputs as { x: tf.TensorInfo };
      const parity = Number(args.attrs?.parity);
      const m = x.shape[0];
      const width = op === 0 ? x.shape[1] : Number(args.attrs?.width);
      if (x.shape.length !== 2 || !float32(x) || (op === 1 && x.shape[1] !== halfOf(width, parity))) {
        throw new Error(
          `${op === 0 ? SELECT_COLUMNS : SCATTER_COLUMNS}: input shape ${x.shape} does not fit`,
        );
      }
      const out = backend.makeOutput([m, op === 0 ? halfOf(width, parity) : width], 'float32');
      if (m > 0) addon.columns(heap(backend), op, offset(backend, x), offset(backend, out), m, width, parity);
      return out;
    };

  const interleave = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const parity = Number(args.attrs?.parity);
    const [m, width] = [a.shape[0], a.shape[1] + b.shape[1]];
    if (b.shape[0] !== m || a.shape[1] !== halfOf(width, parity) || !float32(a, b)) {
      throw new Error(`${INTERLEAVE}: halves ${a.shape} and ${b.shape} do not fit`);
    }
    const out = backend.makeOutput([m, width], 'float32');
    if (m > 0)
      addon.interleave(
        heap(backend),
        offset(backend, a),
        offset(backend, b),
        offset(backend, out),
        m,
        width,
        parity,
      );
    return out;
  };

  const scaledTanh =
    (op: 0 | 1) =>
    (args: KernelArgs): tf.TensorInfo => {
      const backend = args.backend as BackendWasm;
      const ins = (op === 0 ? [args.inputs.x] : [args.inputs.s, args.inputs.dy]) as tf.TensorInfo[];
      const n = sameShape(op === 0 ? SCALED_TANH : SCALED_TANH_GRAD, ins);
      const out = backend.makeOutput(ins[0].shape, 'float32');
      const at = (t: tf.TensorInfo) => offset(backend, t);
      if (n > 0)
        addon.scaledTanh(heap(backend), op, at(ins[0]), at(ins[op]), at(out), n, Number(args.attrs?.bound));
      return out;
    };

  const affine = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { x, s, t } = args.inputs as Record<'x' | 's' | 't', tf.TensorInfo>;
    const n = sameShape(AFFINE, [x, s, t]);
    const out = backend.makeOutput(x.shape, 'float32');
    const at = (u: tf.TensorInfo) => offset(backend, u);
    if (n > 0) addon.affine(heap(backend), at(x), at(s), at(t), at(out), n, args.attrs?.inverse ? 1 : 0);
    return out;
  };

  const affineGrad = (args: KernelArgs): tf.TensorInfo[] => {
    const backend = args.backend as BackendWasm;
    const { x, s, y, dy } = args.inputs as Record<'x' | 's' | 'y' | 'dy', tf.TensorInfo>;
    const n = sameShape(AFFINE_GRAD, [x, s, y, dy]);
    const out = [0, 1, 2].map(() => backend.makeOutput(x.shape, 'float32'));
    const at = (u: tf.TensorInfo) => offset(backend, u);
    if (n > 0) {
      const [dx, ds, dt] = out.map(at);
      addon.affineGrad(
        heap(backend),
        at(x),
        at(s),
        at(y),
        at(dy),
        dx,
        ds,
        dt,
        n,
        args.attrs?.inverse ? 1 : 0,
      );
    }
    return out;
  };

  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: batchMatMul as tf.KernelFunc,
  });
  for (const [kernelName, kernelFunc] of [
    [DENSE, denseKernel],
    [TANH_GRAD, tanhGrad],
    [COL_SUM, colSum],
    [ADAM, adam],
    [SUM_SQUARES, sumSquares],
    [SELECT_COLUMNS, columnOp(0)],
    [SCATTER_COLUMNS, columnOp(1)],
    [INTERLEAVE, interleave],
    [SCALED_TANH, scaledTanh(0)],
    [SCALED_TANH_GRAD, scaledTanh(1)],
    [AFFINE, affine],
    [AFFINE_GRAD, affineGrad],
    [MLP, mlp],
    [MLP_GRAD, mlpGrad],
  ] as const) {
    if (!tf.getKernel(kernelName, 'wasm')) {
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc });
    }
  }
}
