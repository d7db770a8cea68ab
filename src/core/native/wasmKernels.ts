/**
 * Native kernels for the tfjs wasm backend. Tensors stay where the wasm backend keeps them (its
 * heap); the addon reads and writes them in place. We replace BatchMatMul (rank 2, or rank 3 with
 * one batch) and add three kernels the dense layer uses: BgwDense (x·W + b, optionally tanh, one
 * pass), BgwTanhGrad and BgwColSum, and two the optimiser uses: BgwAdam and BgwSumSquares (one call
 * per tensor instead of ~12 tfjs ops, whose dispatch dominated the update). Everything else stays on the wasm backend's own kernels.
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

function float32(...ts: tf.TensorInfo[]): boolean {
  return ts.every((t) => t.dtype === 'float32');
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
    const out = backend.makeOutput(y.shape, 'float32');
    const size = y.shape.reduce((p, d) => p * d, 1);
    if (size > 0)
      addon.tanhGrad(heap(backend), offset(backend, y), offset(backend, dy), offset(backend, out), size);
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

  const size = (t: tf.TensorInfo) => t.shape.reduce((p, d) => p * d, 1);

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
  ] as const) {
    if (!tf.getKernel(kernelName, 'wasm')) {
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc });
    }
  }
}
