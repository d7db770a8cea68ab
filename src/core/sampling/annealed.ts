/**
 * Annealed importance sampling from the generator to the Boltzmann density, in latent space.
 *
 * Plain reweighting gives each sample w = p(x)/q(x) in one jump; when q is much narrower than p (a
 * 76-dimensional bath), a handful of samples carry all the weight. Here every sample walks through
 * K intermediate densities π_k(z) ∝ q_Z(z)^(1−β_k) p_Z(z)^β_k, 0 = β_0 < … < β_K = 1, with
 * p_Z(z) = exp(−u(F_zx(z))/τ)·|det J_zx(z)| the Boltzmann density pulled back to latent space.
 * The weight collects Σ_k (β_k − β_{k−1})·(log p_Z − log q_Z) at the state before each level's
 * Metropolis moves, which leave π_k invariant (Neal 2001; with the flow as the first, deterministic
 * layer this is the stochastic normalizing flow of Wu, Köhler & Noé 2020). The weights stay exact
 * for any number of levels, moves and step sizes; more levels only make them more even. Moves are
 * random walks in z, where the trained flow has made the target close to an isotropic Gaussian.
 *
 * No library does this for tfjs flows, hence by hand.
 */
import { stateOf } from '../analysis/freeEnergy.js';
import { throwIfAborted, yieldToEventLoop } from '../cancel.js';
import type { Flow } from '../flows/flow.js';
import { squaredNorms } from '../linalg/rows.js';
import type { Rng } from '../random.js';
import type { SampleSet } from '../run/types.js';
import type { EnergySystem } from '../systems/types.js';

export interface AnnealOptions {
  /** Intermediate densities K (≥ 1); K = 1 with no moves reproduces plain reweighting. */
  levels: number;
  /** Metropolis moves at each level (default 1). */
  moves?: number;
  /** First proposal width in units of √τ; adapted per chunk toward `targetAcceptance`. */
  stepSize?: number;
  /**
   * Reject moves that change a sample's state (system.states on the reaction coordinate; default
   * true). Each state's samples then anneal toward p restricted to that state, so a state that p
   * rarely visits (the open dimer at ΔF ≈ 7 kT₀) keeps the walkers the generator put there, and its
   * weight sum still estimates its share of Z. Weights stay exact: the restricted π_k are invariant.
   */
  keepStates?: boolean;
  /**
   * Anneal at most this many samples per state, picked at random from the generator's, each
   * carrying the factor (samples in its state / picked) in its weight (unbiased: Horvitz–Thompson).
   * The generator's state split then no longer decides how well each state is estimated: at
   * τ = 0.5 it puts under 1 % of the dimer samples in the open state. Default: anneal all.
   */
  walkersPerState?: number;
  /** Acceptance rate the step size is steered to (default 0.3). */
  targetAcceptance?: number;
  /** Walkers moved through the flow at once (default 2000). */
  chunk?: number;
  rng: Rng;
  onProgress?(fraction: number): void;
  /** Checked at every level (annealing 100 000 dimer samples takes minutes). */
  signal?: AbortSignal;
}

export interface AnnealResult {
  samples: SampleSet;
  /** Accepted fraction of all Metropolis moves. */
  acceptance: number;
  /** Proposal width (units of √τ) at the end of the last chunk. */
  stepSize: number;
}

/**
 * β_k = (k/K)²: the log-density gap between q and p is widest at the start, so the first levels
 * take the smallest steps (a quadratic schedule is the usual cheap choice; Neal 2001 §6).
 */
export function annealSchedule(levels: number): Float64Array {
  const beta = new Float64Array(levels + 1);
  for (let k = 1; k <= levels; k++) beta[k] = (k / levels) ** 2;
  return beta;
}

/** log p_Z for a batch of latent points, with NaN (overlapping particles) as −∞. */
function logTarget(u: Float64Array, logDetJ: Float32Array, tau: number, out: Float64Array): void {
  for (let i = 0; i < u.length; i++) {
    const v = -u[i] / tau + logDetJ[i];
    out[i] = Number.isNaN(v) ? -Infinity : v;
  }
}

/** log q_Z = −‖z_i‖²/(2τ) for each row. */
function logLatent(z: Float32Array, m: number, dim: number, tau: number, out: Float64Array): void {
  const z2 = squaredNorms(z, m, dim);
  for (let i = 0; i < m; i++) out[i] = -z2[i] / (2 * tau);
}

/**
 * Indices of the samples to anneal: all of them, or at most `perState` per state (−1, outside every
 * state, counts as one more), drawn without replacement; each with log(state size / picked).
 */
export function pickWalkers(
  state: Int32Array,
  perState: number,
  rng: Rng,
): { pick: Int32Array; logFactor: Float64Array } {
  const groups = new Map<number, number[]>();
  state.forEach((s, i) => {
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  });
  const factor = new Float64Array(state.length).fill(NaN);
  for (const [, idx] of [...groups].sort((p, q) => p[0] - q[0])) {
    const k = Math.min(idx.length, perState);
    // Partial Fisher–Yates: the first k of a random permutation.
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(idx.length - i);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    for (let i = 0; i < k; i++) factor[idx[i]] = Math.log(idx.length / k);
  }
  // Picked samples in their original order.
  const pick = Int32Array.from(factor.keys()).filter((i) => !Number.isNaN(factor[i]));
  return { pick, logFactor: Float64Array.from(pick, (i) => factor[i]) };
}

/**
 * Moves the generator's samples `start` (drawn at start.temperature) through the annealing levels and
 * returns the final configurations with their annealed log weights in place of the one-jump ones.
 */
export async function annealSamples(
  flow: Flow,
  system: EnergySystem,
  start: SampleSet,
  options: AnnealOptions,
): Promise<AnnealResult> {
  const { dim, temperature: tau } = start;
  if (!(options.levels >= 1 && Number.isInteger(options.levels))) {
    throw new Error(`annealing levels must be a positive integer, got ${options.levels}`);
  }
  const moves = options.moves ?? 1;
  const target = options.targetAcceptance ?? 0.3;
  const chunk = Math.max(1, options.chunk ?? 2000);
  const beta = annealSchedule(options.levels);
  const keepStates = options.keepStates ?? true;
  const stateOfX = (xs: Float32Array, m: number): Int32Array =>
    stateOf(system.reactionCoordinate.compute(xs, m), system.states);
  const startState = stateOfX(start.x, start.n);
  const { pick, logFactor } = pickWalkers(startState, options.walkersPerState ?? Infinity, options.rng);
  const n = pick.length;
  const z = new Float32Array(n * dim);
  const x = new Float32Array(n * dim);
  const energy = new Float64Array(n);
  const startLogWeights = new Float64Array(n);
  // Moves never change a walker's state under keepStates, so its start state is its state.
  const walkerState = keepStates ? Int32Array.from(pick, (j) => startState[j]) : null;
  pick.forEach((j, i) => {
    z.set(start.z.subarray(j * dim, (j + 1) * dim), i * dim);
    x.set(start.x.subarray(j * dim, (j + 1) * dim), i * dim);
    energy[i] = start.energy[j];
    startLogWeights[i] = start.logWeights[j];
  });
  // The selection factor is part of the weight, never of the densities the moves compare.
  const logWeights = Float64Array.from(logFactor);
  let width = options.stepSize ?? 0.1;
  let accepted = 0;
  let proposed = 0;

  for (let c0 = 0; c0 < n; c0 += chunk) {
    const m = Math.min(chunk, n - c0);
    const zc = z.subarray(c0 * dim, (c0 + m) * dim);
    const xc = x.subarray(c0 * dim, (c0 + m) * dim);
    const uc = energy.subarray(c0, c0 + m);
    const lw = logWeights.subarray(c0, c0 + m);
    // log q_Z and log p_Z of the current states; the start's log weight is their difference.
    const a = new Float64Array(m);
    const b = new Float64Array(m);
    logLatent(zc, m, dim, tau, a);
    for (let i = 0; i < m; i++) b[i] = startLogWeights[c0 + i] + a[i];
    const state = walkerState?.subarray(c0, c0 + m) ?? null;
    const aProp = new Float64Array(m);
    const bProp = new Float64Array(m);

    for (let k = 1; k <= options.levels; k++) {
      const db = beta[k] - beta[k - 1];
      for (let i = 0; i < m; i++) lw[i] += db * (b[i] - a[i]);
      for (let s = 0; s < moves; s++) {
        const h = width * Math.sqrt(tau);
        const zp = options.rng.normals(m * dim, h);
        for (let j = 0; j < zp.length; j++) zp[j] += zc[j];
        const { y: xp, logDetJ } = flow.mapValues('forward', zp, m);
        const up = system.energy(xp, m);
        logLatent(zp, m, dim, tau, aProp);
        logTarget(up, logDetJ, tau, bProp);
        const stateProp = state ? stateOfX(xp, m) : null;
        let acc = 0;
        for (let i = 0; i < m; i++) {
          if (state && stateProp![i] !== state[i]) continue;
          const dLog = (1 - beta[k]) * (aProp[i] - a[i]) + beta[k] * (bProp[i] - b[i]);
          // A walker stuck at zero weight (b = −∞) takes any finite move; NaN never passes.
          if (!(dLog >= 0 || Math.log(options.rng.uniform()) < dLog)) continue;
          acc++;
          a[i] = aProp[i];
          b[i] = bProp[i];
          uc[i] = up[i];
          zc.set(zp.subarray(i * dim, (i + 1) * dim), i * dim);
          xc.set(xp.subarray(i * dim, (i + 1) * dim), i * dim);
        }
        accepted += acc;
        proposed += m;
        // Steer the width from the whole chunk's acceptance (adaptive SMC practice: one scalar
        // shared by thousands of walkers, consistent as their number grows; Beskos et al. 2016).
        width *= Math.exp(acc / m - target);
      }
      options.onProgress?.((c0 + (m * k) / options.levels) / n);
      throwIfAborted(options.signal);
      await yieldToEventLoop();
    }
  }
  return {
    samples: { temperature: tau, n, dim, z, x, energy, logWeights },
    acceptance: proposed ? accepted / proposed : 0,
    stepSize: width,
  };
}
