/**
 * The one place that chooses the TensorFlow.js backend: native tfjs-node when it loads, else
 * WebAssembly (SIMD, XNNPACK), else pure JS. BGW_BACKEND=node|wasm|cpu overrides the order.
 * Everything else imports `tf` from here so the choice is made before any tensor exists.
 */
import * as tf from '@tensorflow/tfjs';
import { loadNativeAddon } from './native/addon.js';
import { registerNativeKernels } from './native/wasmKernels.js';
import { registerSharedIdentity } from './wasmIdentity.js';

export { tf };

export type BackendName = 'node' | 'wasm' | 'cpu';

let active: string | null = null;
let pending: Promise<string> | null = null;

/**
 * tfjs's "install tfjs-node" banner goes through backend_util.warn (console.warn, i.e. stderr),
 * so stdout stays machine-readable; PROD silences it entirely for CLI use.
 */
function quietBanner(): void {
  if (process.env.BGW_TF_QUIET !== '0') tf.env().set('PROD', true);
}

async function tryNode(): Promise<boolean> {
  try {
    // Optional dependency: absent where libtensorflow cannot be downloaded.
    const name = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ name);
    return (await tf.setBackend('tensorflow')) && tf.getBackend() === 'tensorflow';
  } catch {
    return false;
  }
}

/** Whether the wasm backend runs its matrix products through the native addon, and why (not). */
export interface NativeKernelStatus {
  active: boolean;
  detail: string;
  threads: number;
}

let native: NativeKernelStatus = { active: false, detail: 'wasm backend not initialised', threads: 1 };

function installNativeKernels(): void {
  const load = loadNativeAddon();
  if (!load.addon) {
    native = { active: false, detail: load.reason, threads: 1 };
    return;
  }
  // One BLAS thread unless asked: training already runs beside the UI on a shared machine.
  const threads = Math.max(1, Math.floor(Number(process.env.BGW_THREADS) || 1));
  try {
    load.addon.setThreads(threads);
    registerNativeKernels(load.addon);
    native = { active: true, detail: load.addon.blasConfig().trim(), threads: load.addon.threads() };
  } catch (err) {
    native = { active: false, detail: `native kernels not installed: ${(err as Error).message}`, threads: 1 };
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!((await tf.setBackend('wasm')) && tf.getBackend() === 'wasm')) return false;
    registerSharedIdentity();
    installNativeKernels();
    return true;
  } catch {
    return false;
  }
}

async function tryCpu(): Promise<boolean> {
  return (await tf.setBackend('cpu')) && tf.getBackend() === 'cpu';
}

const attempts: Record<BackendName, () => Promise<boolean>> = {
  node: tryNode,
  wasm: tryWasm,
  cpu: tryCpu,
};

function order(prefer?: string): BackendName[] {
  const all: BackendName[] = ['node', 'wasm', 'cpu'];
  const want = (prefer ?? process.env.BGW_BACKEND ?? '').toLowerCase();
  if (want === 'node' || want === 'wasm' || want === 'cpu') {
    return [want, ...all.filter((b) => b !== want)];
  }
  return all;
}

/**
 * Initialise the backend once (later calls return the same name unless `prefer` differs).
 * Returns the tfjs backend name actually active: "tensorflow", "wasm" or "cpu".
 */
export async function initBackend(prefer?: string): Promise<string> {
  if (active && (!prefer || nameOf(prefer) === active)) return active;
  if (pending && !prefer) return pending;
  pending = (async () => {
    quietBanner();
    for (const b of order(prefer)) {
      if (await attempts[b]()) {
        await tf.ready();
        active = tf.getBackend();
        return active;
      }
    }
    throw new Error('No TensorFlow.js backend could be initialised');
  })();
  try {
    return await pending;
  } finally {
    pending = null;
  }
}

function nameOf(b: string): string {
  return b === 'node' ? 'tensorflow' : b;
}

/** True when dense layers should use the native kernels (wasm backend with the addon loaded). */
export function nativeKernelsActive(): boolean {
  return native.active && tf.getBackend() === 'wasm';
}

export function nativeKernelStatus(): NativeKernelStatus {
  return { ...native };
}

/**
 * The backend as runs record it: "wasm + OpenBLAS 0.3.21 (1 thread)" with the native kernels, else
 * the tfjs backend name ("wasm", "cpu", "tensorflow").
 */
export function describeBackend(): string {
  const name = activeBackend();
  if (name !== 'wasm' || !native.active) return name;
  const blas = /OpenBLAS [\d.]+/.exec(native.detail)?.[0] ?? 'native kernels';
  return `wasm + ${blas} (${native.threads} thread${native.threads === 1 ? '' : 's'})`;
}

/** The active backend's name, or "uninitialised". */
export function activeBackend(): string {
  return active ?? 'uninitialised';
}
