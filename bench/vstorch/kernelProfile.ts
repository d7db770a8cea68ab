/**
 * tf.profile of one call, kernel times summed by kernel name. wasm kernels run synchronously, so
 * kernelMs is time spent inside each kernel; kernels inside a customGrad scope are counted under
 * that scope ("unnamed scope") and again by their own name, so shares can add up past 100 %.
 */
import { tf } from '../../src/core/backend.js';

export interface KernelProfile {
  wallMs: number;
  kernelMs: number;
  kernels: { name: string; ms: number; calls: number; share: number }[];
}

export async function profileOf(f: () => void): Promise<KernelProfile> {
  const t = performance.now();
  const info = await tf.profile(f);
  const wallMs = performance.now() - t;
  const by = new Map<string, { ms: number; calls: number }>();
  let kernelMs = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const e = by.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls++;
    by.set(k.name, e);
    kernelMs += ms;
  }
  const kernels = [...by.entries()]
    .map(([name, e]) => ({
      name,
      ms: Math.round(e.ms),
      calls: e.calls,
      share: Math.round((1000 * e.ms) / wallMs) / 10,
    }))
    .sort((a, b) => b.ms - a.ms);
  return { wallMs: Math.round(wallMs), kernelMs: Math.round(kernelMs), kernels };
}
