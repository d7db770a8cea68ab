/**
 * One-shot sampling from a trained Boltzmann generator at temperature τ: z ~ N(0, τI),
 * x = F_zx(z), u(x), and log weights −u/τ + ‖z‖²/(2τ) + log|det J_zx(z)| for reweighting.
 * Chunked so memory stays bounded (TOOLCHAIN.md: chunk size drives peak memory).
 */
import type { Flow } from '../flows/flow.js';
import { squaredNorms } from '../linalg/rows.js';
import type { Rng } from '../random.js';
import type { SampleSet } from '../run/types.js';
import type { EnergySystem } from '../systems/types.js';

export interface GeneratorOptions {
  /** Configurations per flow call (default 2000). */
  chunk?: number;
  rng: Rng;
  /** Called after each chunk with the fraction done. */
  onProgress?(fraction: number): void;
}

export function sampleGenerator(
  flow: Flow,
  system: EnergySystem,
  temperature: number,
  n: number,
  options: GeneratorOptions,
): SampleSet {
  const dim = flow.dim;
  const chunk = Math.max(1, options.chunk ?? 2000);
  const sigma = Math.sqrt(temperature);
  const z = new Float32Array(n * dim);
  const x = new Float32Array(n * dim);
  const energy = new Float64Array(n);
  const logWeights = new Float64Array(n);
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    const zc = options.rng.normals(m * dim, sigma);
    const { y: xc, logDetJ } = flow.mapValues('forward', zc, m);
    const u = system.energy(xc, m);
    z.set(zc, start * dim);
    x.set(xc, start * dim);
    const z2 = squaredNorms(zc, m, dim);
    for (let i = 0; i < m; i++) {
      energy[start + i] = u[i];
      const lw = -u[i] / temperature + z2[i] / (2 * temperature) + logDetJ[i];
      // A sample with non-finite energy has zero weight.
      logWeights[start + i] = Number.isNaN(lw) ? -Infinity : lw;
    }
    options.onProgress?.(Math.min(1, (start + m) / n));
  }
  return { temperature, n, dim, z, x, energy, logWeights };
}
