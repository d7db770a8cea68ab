/**
 * Loads the optional native kernel addon (native/: OpenBLAS matrix products and fused dense-layer
 * kernels over the wasm heap). It is built by `npm install` where a C compiler and OpenBLAS exist;
 * everywhere else this returns null with the reason and the engine stays on plain WebAssembly.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeKernelAddon {
  /** c = op(a)·op(b) (+ bias) (then tanh when activation = 1); all arguments after heap are byte offsets. */
  gemm(
    heap: ArrayBuffer,
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    bias: number,
    activation: number,
  ): void;
  tanhGrad(heap: ArrayBuffer, y: number, dy: number, out: number, length: number): void;
  colSum(heap: ArrayBuffer, a: number, out: number, m: number, n: number): void;
  /** Energies (and forces = −∇u when given) of n dimer configurations; params in DIMER_PARAMS order. */
  dimer(
    x: Float32Array | Float64Array,
    n: number,
    params: Float64Array,
    energy: Float64Array,
    forces: Float64Array | null,
  ): void;
  adam(
    heap: ArrayBuffer,
    p: number,
    g: number,
    m: number,
    v: number,
    pOut: number,
    mOut: number,
    vOut: number,
    length: number,
    alpha: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    scale: number,
  ): void;
  sumSquares(heap: ArrayBuffer, a: number, length: number): number;
  /** op 0: out = the parity half's columns of x [m, width]; op 1: x (one half) scattered into zeros. */
  columns(
    heap: ArrayBuffer,
    op: number,
    x: number,
    out: number,
    m: number,
    width: number,
    parity: number,
  ): void;
  interleave(
    heap: ArrayBuffer,
    a: number,
    b: number,
    out: number,
    m: number,
    width: number,
    parity: number,
  ): void;
  /** op 0: out = bound·tanh(a/bound); op 1: out = b·(1 − (a/bound)²), the gradient from s = a, dy = b. */
  scaledTanh(
    heap: ArrayBuffer,
    op: number,
    a: number,
    b: number,
    out: number,
    length: number,
    bound: number,
  ): void;
  /** y = x·eˢ + t, or (x − t)·e⁻ˢ when inverse = 1. */
  affine(
    heap: ArrayBuffer,
    x: number,
    s: number,
    t: number,
    y: number,
    length: number,
    inverse: number,
  ): void;
  affineGrad(
    heap: ArrayBuffer,
    x: number,
    s: number,
    y: number,
    dy: number,
    dx: number,
    ds: number,
    dt: number,
    length: number,
    inverse: number,
  ): void;
  /**
   * A tanh MLP's forward pass (hidden layers tanh, last linear) over m rows; sizes holds the layer
   * widths, offsets [x, y, w0, b0, …, w_{L−1}, b_{L−1}, h_0, …, h_{L−2}] (h: the hidden outputs).
   */
  mlp(heap: ArrayBuffer, m: number, sizes: Int32Array, offsets: Float64Array): void;
  /** Its backward pass; offsets [dy, x, dx | −1, w0, …, w_{L−1}, h_0, …, h_{L−2}, dw0, db0, …]. */
  mlpGrad(heap: ArrayBuffer, m: number, sizes: Int32Array, offsets: Float64Array): void;
  setThreads(n: number): void;
  threads(): number;
  blasConfig(): string;
}

export type AddonLoad = { addon: NativeKernelAddon; path: string } | { addon: null; reason: string };

const RELATIVE = join('native', 'build', 'Release', 'bgw_kernels.node');

/** The built addon next to the package root, found by walking up from this module (src or out/). */
function findAddon(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, RELATIVE);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

let cached: AddonLoad | null = null;

/** The addon or why not, looked up and loaded once per process (the backend and the dimer share it). */
export function loadNativeAddon(): AddonLoad {
  cached ??= load();
  return cached;
}

/** The addon, or null where it is not built or BGW_NATIVE=0. */
export function nativeAddon(): NativeKernelAddon | null {
  return loadNativeAddon().addon;
}

function load(): AddonLoad {
  if (process.env.BGW_NATIVE === '0') return { addon: null, reason: 'disabled by BGW_NATIVE=0' };
  const path = process.env.BGW_NATIVE_KERNELS ? resolve(process.env.BGW_NATIVE_KERNELS) : findAddon();
  if (!path) return { addon: null, reason: `${RELATIVE} is not built (npm run build:native)` };
  try {
    const addon = createRequire(import.meta.url)(path) as NativeKernelAddon;
    return { addon, path };
  } catch (err) {
    return { addon: null, reason: `${path} did not load: ${(err as Error).message}` };
  }
}
