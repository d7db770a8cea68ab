/**
 * Multi-temperature mixture reweighting. One flow serves every temperature: the latent is N(0, τI),
 * so a configuration x = F_zx(z) has the density p(x; τ') = N(z; 0, τ'I) / |det J_zx(z)| under every
 * τ'. Samples drawn at τ₁…τ_K (n_k each) are therefore draws from the mixture
 * p_mix(x) = Σ_k (n_k/N) p(x; τ_k), and each can be reweighted to any target τ with
 * log w = −u/τ − log p_mix(x) (the balance heuristic). Hot samples cover barriers and high
 * basins that the cold ones miss; where both sample, the weights stay bounded.
 */
import { squaredNorms } from '../linalg/rows.js';
import type { SampleSet } from '../run/types.js';

/** The pooled samples of several temperatures, ready to be reweighted to any τ. */
export interface SamplePool {
  n: number;
  /** u(x) in kT₀, the sets concatenated in order. */
  energy: Float64Array;
  /** log p_mix(x); −Infinity where the sample has no weight (non-finite energy). */
  logDensity: Float64Array;
}

/**
 * Pool sample sets drawn from the same flow at different temperatures. log|det J_zx| is recovered
 * from each sample's single-temperature log weight, −u/τ + ‖z‖²/2τ + log|det J_zx| (generator.ts).
 */
export function poolSamples(sets: readonly SampleSet[]): SamplePool {
  if (sets.length === 0) throw new Error('poolSamples needs at least one sample set');
  const dim = sets[0].dim;
  if (sets.some((s) => s.dim !== dim)) throw new Error('poolSamples: sample sets differ in dimension');
  const N = sets.reduce((a, s) => a + s.n, 0);
  // log of (n_k/N) times the normalisation of N(0, τ_k I).
  const logPrefactor = sets.map((s) => Math.log(s.n / N) - 0.5 * dim * Math.log(2 * Math.PI * s.temperature));
  const energy = new Float64Array(N);
  const logDensity = new Float64Array(N);
  let offset = 0;
  for (const s of sets) {
    const z2 = squaredNorms(s.z, s.n, dim);
    for (let i = 0; i < s.n; i++) {
      const j = offset + i;
      energy[j] = s.energy[i];
      const lw = s.logWeights[i];
      if (!Number.isFinite(lw) || !Number.isFinite(s.energy[i])) {
        logDensity[j] = -Infinity;
        continue;
      }
      const logDetJ = lw + s.energy[i] / s.temperature - z2[i] / (2 * s.temperature);
      // log Σ_k exp(a_k), a_k = logPrefactor_k − ‖z‖²/2τ_k, computed stably.
      let max = -Infinity;
      for (let k = 0; k < sets.length; k++) {
        const a = logPrefactor[k] - z2[i] / (2 * sets[k].temperature);
        if (a > max) max = a;
      }
      let sum = 0;
      for (let k = 0; k < sets.length; k++)
        sum += Math.exp(logPrefactor[k] - z2[i] / (2 * sets[k].temperature) - max);
      logDensity[j] = max + Math.log(sum) - logDetJ;
    }
    offset += s.n;
  }
  return { n: N, energy, logDensity };
}

/** Unnormalised log weights of the pooled samples for the Boltzmann distribution at `temperature`. */
export function pooledLogWeights(pool: SamplePool, temperature: number): Float64Array {
  const out = new Float64Array(pool.n);
  for (let i = 0; i < pool.n; i++) {
    const lw = -pool.energy[i] / temperature - pool.logDensity[i];
    out[i] = Number.isNaN(lw) || pool.logDensity[i] === -Infinity ? -Infinity : lw;
  }
  return out;
}
