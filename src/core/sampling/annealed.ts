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
 * random walks, Langevin steps or Hamiltonian trajectories in z, where the trained flow has made
 * the target close to an isotropic Gaussian; walkers can be resampled (sequential Monte Carlo) and
 * confined to a region.
 *
 * No library does this for tfjs flows, hence by hand.
 */
import { ess, logSumExp } from '../analysis/ess.js';
import { stateOf } from '../analysis/freeEnergy.js';
import { relativeWeights } from '../analysis/histogram.js';
import { throwIfAborted, yieldToEventLoop } from '../cancel.js';
import type { Flow } from '../flows/flow.js';
import { indicesByKey } from '../groups.js';
import { squaredNorms } from '../linalg/rows.js';
import { Rng } from '../random.js';
import type { SampleSet } from '../run/types.js';
import { createEnergyOp, type EnergyOp } from '../systems/tfEnergy.js';
import type { EnergySystem } from '../systems/types.js';
import { latentDensityGradient } from './latentGradient.js';

export interface AnnealOptions {
  /** Intermediate densities K (≥ 1); K = 1 with no moves reproduces plain reweighting. */
  levels: number;
  /** Metropolis moves at each level (default 1). */
  moves?: number;
  /**
   * 'walk': Gaussian random-walk proposals in z. 'langevin': Metropolis-adjusted Langevin (MALA)
   * proposals z' = z + (h²/2)∇log π_k(z) + h·ξ, which follow the gradient of the level's density
   * through the flow and the forces: a forward and backward pass per move instead of a forward
   * pass, but each move goes much further toward where p puts its weight. Default 'walk'.
   */
  proposal?: 'walk' | 'langevin' | 'hmc';
  /**
   * Leapfrog steps of a 'hmc' move (default 10): Hamiltonian Monte Carlo follows the same gradient
   * as Langevin moves but keeps its momentum for `leapfrog` steps, so a move travels ~leapfrog
   * step widths instead of ~√leapfrog: far fewer gradient passes per independent configuration in
   * the soft directions, whose step the stiff ones (close particle pairs) keep small. One move costs
   * `leapfrog` forward and backward passes.
   */
  leapfrog?: number;
  /**
   * Adaptive levels: each level's β step is the largest that keeps the conditional ESS of its
   * incremental weights at this fraction of every state's walkers (Zhou, Johansen & Aston 2016), so
   * the levels go where the density changes fastest; `levels` is then the most levels a population
   * may use (the last one jumps to β = 1). Absent: the fixed schedule annealSchedule(levels).
   */
  cess?: number;
  /** First proposal width in units of √τ; adapted per population toward `targetAcceptance`. */
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
  /**
   * Resample a group of walkers (a chunk's walkers of one state under keepStates, else the chunk)
   * whenever its effective sample size drops below this fraction of its size, after the level's
   * reweighting and before its moves: annealed importance sampling becomes sequential Monte Carlo
   * (Del Moral, Doucet & Jasra 2006). Walkers that fell behind are dropped and the good ones
   * copied, so the moves work where the weight is; each group's weight sum stays an unbiased
   * estimate of its share of Z. Default: never (plain annealed importance sampling).
   */
  resampleBelow?: number;
  /**
   * With resampleBelow: split the walkers into this many independent populations (default 4), each
   * resampled only within itself. Resampling correlates a population's walkers, so a bootstrap over
   * walkers would understate the error; the samples' `islands` let the analysis bootstrap over
   * populations instead.
   */
  islands?: number;
  /**
   * Anneal toward p restricted to this region of configuration space: samples outside it get
   * weight zero, moves out of it are rejected. For identical particles relabelled to a canonical
   * order (data.relabel), the canonical sector: the flow learned only that copy of the N!
   * equivalent ones, and walkers that drift into the others add weight the generator can never
   * balance. Every state's Z shrinks by the same N!, so ΔF is unchanged.
   */
  inRegion?: (x: Float32Array, m: number) => Uint8Array;
  /**
   * The temperature to anneal to (default start.temperature). A start drawn hotter than this
   * (z ~ N(0, τ_start I)) reaches further into the target's broad directions than the generator's
   * own samples at τ do; the walkers then anneal from N(0, τ_start I) to p_Z at τ, weights exact.
   */
  temperature?: number;
  /** Acceptance rate the step size is steered to (default 0.3 walks, 0.57 Langevin, 0.65 HMC). */
  targetAcceptance?: number;
  /** Walkers moved through the flow at once (default 2000). */
  chunk?: number;
  rng: Rng;
  /** Who anneals the populations (default: this thread, one after another). */
  runPopulations?: PopulationRunner;
  onProgress?(fraction: number): void;
  /** Checked at every level (annealing 100 000 dimer samples takes minutes). */
  signal?: AbortSignal;
}

export interface AnnealResult {
  samples: SampleSet;
  /** Accepted fraction of all Metropolis moves. */
  acceptance: number;
  /** Proposal width (units of √τ) at the end of the last population. */
  stepSize: number;
  /** How many times a group of walkers was resampled (0 without resampleBelow). */
  resamplings: number;
  /** The most levels a population went through (settings.levels unless `cess` chose fewer). */
  levels: number;
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
 * Mean of the Langevin proposal from each row of z: z + (h²/2)∇log π_β(z), where
 * log π_β = −(1−β)‖z‖²/(2τ) + β log p_Z and `grad` holds ∇ log p_Z.
 */
function langevinMean(
  z: Float32Array,
  grad: Float32Array,
  beta: number,
  tau: number,
  h: number,
): Float32Array {
  const out = new Float32Array(z.length);
  const c = (h * h) / 2;
  for (let j = 0; j < z.length; j++) out[j] = z[j] + c * (beta * grad[j] - ((1 - beta) * z[j]) / tau);
  return out;
}

/**
 * log q(z|z') − log q(z'|z) for row i of a Langevin proposal z' = mean(z) + noise, where `back` is
 * mean(z'): both are Gaussians of width h.
 */
function proposalLogRatio(
  z: Float32Array,
  back: Float32Array,
  noise: Float32Array,
  i: number,
  dim: number,
  h: number,
): number {
  let reverse = 0;
  let forward = 0;
  for (let j = i * dim; j < (i + 1) * dim; j++) {
    reverse += (z[j] - back[j]) ** 2;
    forward += noise[j] ** 2;
  }
  return (forward - reverse) / (2 * h * h);
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
  const factor = new Float64Array(state.length).fill(NaN);
  for (const [, idx] of [...indicesByKey(state)].sort((p, q) => p[0] - q[0])) {
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

/** Rows of the walkers' per-walker arrays that travel with a walker when it is copied. */
interface WalkerRows {
  dim: number;
  z: Float32Array;
  x: Float32Array;
  energy: Float64Array;
  logQ: Float64Array;
  logP: Float64Array;
  /** ∇ log p_Z per walker (Langevin proposals only). */
  grad: Float32Array | null;
}

/** Walker indices 0…m−1 split by state (one group per state seen), or one group when no states. */
function walkerGroups(m: number, state: Int32Array | null): Int32Array[] {
  if (!state) return [Int32Array.from({ length: m }, (_, i) => i)];
  return [...indicesByKey(state).values()].map((g) => Int32Array.from(g));
}

/**
 * Systematic resampling of one group when its ESS is below `threshold` × its size: copies the
 * ancestors' rows over the group and gives every member the group's mean weight, so the group's
 * weight sum (its estimate of Z's share) is unchanged in expectation. Returns whether it resampled.
 */
function resampleGroup(
  group: Int32Array,
  logW: Float64Array,
  rows: WalkerRows,
  threshold: number,
  rng: Rng,
): boolean {
  const g = group.length;
  const groupLogW = Float64Array.from(group, (i) => logW[i]);
  const logSum = logSumExp(groupLogW);
  if (!Number.isFinite(logSum) || ess(groupLogW) >= threshold * g) return false;
  const w = relativeWeights(groupLogW, g);
  let sum = 0;
  for (const v of w) sum += v;
  const ancestor = new Int32Array(g);
  let cumulative = w[0];
  let a = 0;
  const u0 = rng.uniform();
  for (let j = 0; j < g; j++) {
    const u = ((u0 + j) / g) * sum;
    while (cumulative < u && a < g - 1) cumulative += w[++a];
    ancestor[j] = group[a];
  }
  const { dim } = rows;
  const copyRows = <T extends Float32Array | Float64Array>(arr: T, width: number): void => {
    const old = Float64Array.from(
      { length: g * width },
      (_, k) => arr[ancestor[Math.floor(k / width)] * width + (k % width)],
    );
    group.forEach((i, j) => arr.set(old.subarray(j * width, (j + 1) * width), i * width));
  };
  copyRows(rows.z, dim);
  copyRows(rows.x, dim);
  copyRows(rows.energy, 1);
  copyRows(rows.logQ, 1);
  copyRows(rows.logP, 1);
  if (rows.grad) copyRows(rows.grad, dim);
  const logMean = logSum - Math.log(g);
  for (const i of group) logW[i] = logMean;
  return true;
}

/** The annealing settings every population shares (plain data: populations may run in workers). */
export interface PopulationSettings {
  /** Levels of the fixed schedule, or the most levels with `cess`. */
  levels: number;
  moves: number;
  proposal: 'walk' | 'langevin' | 'hmc';
  leapfrog: number;
  /** 0: the fixed schedule. */
  cess: number;
  /** First proposal width in units of √τ. */
  stepSize: number;
  targetAcceptance: number;
  /** 0: never resample. */
  resampleBelow: number;
}

/**
 * One population of walkers that anneals on its own: an island when resampling (walkers interact
 * only within it), else a chunk that bounds memory. Plain arrays, so it can cross to a worker.
 */
export interface PopulationTask {
  temperature: number;
  /** Variance of the start's latent Gaussian when it differs from `temperature` (the target). */
  latentTemperature?: number;
  dim: number;
  m: number;
  z: Float32Array;
  x: Float32Array;
  energy: Float64Array;
  /** The generator's one-jump log weights, log p_Z − log q_Z at the start. */
  startLogWeights: Float64Array;
  /** The selection factors: the log weights the annealing adds to. */
  logWeights: Float64Array;
  /** Each walker's state under keepStates (moves keep it), else null. */
  state: Int32Array | null;
  /** Seed of the population's own random stream: results do not depend on who runs it. */
  seed: number;
}

export interface PopulationResult {
  z: Float32Array;
  x: Float32Array;
  energy: Float64Array;
  logWeights: Float64Array;
  accepted: number;
  proposed: number;
  stepSize: number;
  resamplings: number;
  /** Levels this population went through (fewer than settings.levels with `cess`). */
  levels: number;
}

/** What a population needs besides its walkers, and what it reports. */
export interface PopulationContext {
  inRegion?: (x: Float32Array, m: number) => Uint8Array;
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
}

/**
 * Runs independent populations, possibly in parallel (worker threads: see main/workers/annealPool),
 * reporting each one's progress by its index. The default runs them one after another here; that
 * runner is passed as `here`, for work too small to be worth other threads.
 */
export type PopulationRunner = (
  tasks: PopulationTask[],
  settings: PopulationSettings,
  onProgress: (index: number, fraction: number) => void,
  signal: AbortSignal | undefined,
  here: PopulationRunner,
) => Promise<PopulationResult[]>;

/**
 * The next level's β after `beta`: the largest step that keeps the conditional ESS of the level's
 * incremental weights exp(Δβ·(log p_Z − log q_Z)) at ≥ `cess` of every group's size (bisection;
 * the CESS falls as the step grows). Groups whose weights are all zero do not constrain it.
 */
export function adaptiveBeta(
  beta: number,
  gap: Float64Array,
  logW: Float64Array,
  groups: Int32Array[],
  cess: number,
): number {
  const parts = groups
    .map((g) => {
      const w = relativeWeights(
        Float64Array.from(g, (i) => logW[i]),
        g.length,
      );
      const total = w.reduce((t, v) => t + v, 0);
      let top = -Infinity;
      for (const i of g) if (gap[i] > top) top = gap[i];
      // Relative to the largest gap, so that exp never overflows; zero-weight walkers drop out.
      const d = Float64Array.from(g, (i) => (Number.isFinite(gap[i]) ? gap[i] - top : -Infinity));
      return { w, d, total };
    })
    .filter(({ total }) => total > 0);
  const cessAt = (step: number): number => {
    let worst = 1;
    for (const { w, d, total } of parts) {
      let s1 = 0;
      let s2 = 0;
      for (let j = 0; j < d.length; j++) {
        if (w[j] === 0) continue;
        const v = Math.exp(step * d[j]);
        s1 += w[j] * v;
        s2 += w[j] * v * v;
      }
      if (s2 > 0) worst = Math.min(worst, (s1 * s1) / (s2 * total));
    }
    return worst;
  };
  let lo = 0;
  let hi = 1 - beta;
  if (cessAt(hi) >= cess) return 1;
  for (let it = 0; it < 40; it++) {
    const mid = (lo + hi) / 2;
    if (cessAt(mid) >= cess) lo = mid;
    else hi = mid;
  }
  // Never stand still: a level that does not move β would be wasted.
  return beta + Math.max(lo, 1e-12);
}

/** Where one Metropolis move proposes to go, with what the acceptance needs besides the densities. */
interface Proposal {
  z: Float32Array;
  x: Float32Array;
  energy: Float64Array;
  logDetJ: Float32Array;
  /** ∇ log p_Z at z (gradient proposals), else null. */
  grad: Float32Array | null;
  /** Per walker: what makes the proposal reversible (Hastings ratio, kinetic energy change), or null. */
  logCorrection: ((i: number) => number) | null;
}

/**
 * Hamiltonian Monte Carlo: `steps` leapfrog steps of size h on log π_β(z) = −(1−β)‖z‖²/(2τ) +
 * β log p_Z(z) from unit-mass momenta; the correction is the kinetic energy given back (Neal 2011).
 */
function hmcProposal(
  flow: Flow,
  energyOp: EnergyOp,
  tau: number,
  tauL: number,
  beta: number,
  z: Float32Array,
  grad: Float32Array,
  m: number,
  h: number,
  steps: number,
  rng: Rng,
): Proposal {
  const dim = z.length / m;
  const r0 = rng.normals(z.length);
  const r = Float32Array.from(r0);
  const zq = z.slice();
  let g = grad;
  const kick = (f: number): void => {
    for (let j = 0; j < r.length; j++) r[j] += f * (beta * g[j] - ((1 - beta) * zq[j]) / tauL);
  };
  kick(h / 2);
  let end!: ReturnType<typeof latentDensityGradient>;
  for (let l = 0; l < steps; l++) {
    for (let j = 0; j < zq.length; j++) zq[j] += h * r[j];
    end = latentDensityGradient(flow, energyOp, tau, zq, m);
    g = end.grad;
    kick(l < steps - 1 ? h : h / 2);
  }
  const kinetic0 = squaredNorms(r0, m, dim);
  const kinetic1 = squaredNorms(r, m, dim);
  return { ...end, z: zq, logCorrection: (i) => (kinetic0[i] - kinetic1[i]) / 2 };
}

/**
 * Anneals one population in place (its arrays are moved, and returned) through the levels of
 * `settings`; the walkers' weights collect the level increments, resampling (if on) stays within it.
 */
export async function annealPopulation(
  flow: Flow,
  system: EnergySystem,
  task: PopulationTask,
  settings: PopulationSettings,
  context: PopulationContext = {},
): Promise<PopulationResult> {
  const { dim, m, temperature: tau, state } = task;
  const tauL = task.latentTemperature ?? tau;
  const { z: zc, x: xc, energy: uc, logWeights: lw } = task;
  const { levels, moves, resampleBelow, cess, targetAcceptance: target } = settings;
  const rng = new Rng(task.seed);
  const energyOp = settings.proposal === 'walk' ? null : createEnergyOp(system);
  const schedule = annealSchedule(levels);
  const stateOfX = (xs: Float32Array, count: number): Int32Array =>
    stateOf(system.reactionCoordinate.compute(xs, count), system.states);
  let width = settings.stepSize;
  let accepted = 0;
  let proposed = 0;
  let resamplings = 0;
  // log q_Z and log p_Z of the current states; the start's log weight is their difference.
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  logLatent(zc, m, dim, tauL, a);
  for (let i = 0; i < m; i++) b[i] = task.startLogWeights[i] + a[i];
  const aProp = new Float64Array(m);
  const bProp = new Float64Array(m);
  const gap = new Float64Array(m);
  const groups = walkerGroups(m, state);
  // ∇ log p_Z of each walker's current state, for gradient proposals.
  const grad = energyOp ? latentDensityGradient(flow, energyOp, tau, zc, m).grad : new Float32Array(0);
  const rows: WalkerRows = { dim, z: zc, x: xc, energy: uc, logQ: a, logP: b, grad: energyOp ? grad : null };

  let beta = 0;
  let k = 0;
  while (beta < 1) {
    k++;
    for (let i = 0; i < m; i++) gap[i] = b[i] - a[i];
    const next = k >= levels ? 1 : cess > 0 ? adaptiveBeta(beta, gap, lw, groups, cess) : schedule[k];
    for (let i = 0; i < m; i++) lw[i] += (next - beta) * gap[i];
    beta = next;
    if (resampleBelow > 0) {
      for (const group of groups) if (resampleGroup(group, lw, rows, resampleBelow, rng)) resamplings++;
    }
    for (let s = 0; s < moves; s++) {
      const h = width * Math.sqrt(tau);
      const p = propose(h);
      logLatent(p.z, m, dim, tauL, aProp);
      logTarget(p.energy, p.logDetJ, tau, bProp);
      const stateProp = state ? stateOfX(p.x, m) : null;
      const insideProp = context.inRegion?.(p.x, m) ?? null;
      let acc = 0;
      for (let i = 0; i < m; i++) {
        if ((state && stateProp![i] !== state[i]) || (insideProp && !insideProp[i])) continue;
        let dLog = (1 - beta) * (aProp[i] - a[i]) + beta * (bProp[i] - b[i]);
        if (p.logCorrection) dLog += p.logCorrection(i);
        // A walker stuck at zero weight (b = −∞) takes any finite move; NaN never passes.
        if (!(dLog >= 0 || Math.log(rng.uniform()) < dLog)) continue;
        acc++;
        a[i] = aProp[i];
        b[i] = bProp[i];
        uc[i] = p.energy[i];
        zc.set(p.z.subarray(i * dim, (i + 1) * dim), i * dim);
        xc.set(p.x.subarray(i * dim, (i + 1) * dim), i * dim);
        if (p.grad) grad.set(p.grad.subarray(i * dim, (i + 1) * dim), i * dim);
      }
      accepted += acc;
      proposed += m;
      // Steer the width from the whole population's acceptance (adaptive SMC practice: one scalar
      // shared by thousands of walkers, consistent as their number grows; Beskos et al. 2016).
      width *= Math.exp(acc / m - target);
    }
    context.onProgress?.(cess > 0 ? beta : k / levels);
    throwIfAborted(context.signal);
    await yieldToEventLoop();
  }
  return {
    z: zc,
    x: xc,
    energy: uc,
    logWeights: lw,
    accepted,
    proposed,
    stepSize: width,
    resamplings,
    levels: k,
  };

  function propose(h: number): Proposal {
    if (energyOp && settings.proposal === 'hmc') {
      return hmcProposal(flow, energyOp, tau, tauL, beta, zc, grad, m, h, settings.leapfrog, rng);
    }
    const noise = rng.normals(m * dim, h);
    if (energyOp) {
      const zp = langevinMean(zc, grad, beta, tauL, h);
      for (let j = 0; j < zp.length; j++) zp[j] += noise[j];
      const end = latentDensityGradient(flow, energyOp, tau, zp, m);
      // Langevin proposals are not symmetric: log q(z|z') − log q(z'|z) enters the acceptance.
      const back = langevinMean(zp, end.grad, beta, tauL, h);
      return { ...end, z: zp, logCorrection: (i) => proposalLogRatio(zc, back, noise, i, dim, h) };
    }
    const zp = noise;
    for (let j = 0; j < zp.length; j++) zp[j] += zc[j];
    const { y: x, logDetJ } = flow.mapValues('forward', zp, m);
    return { z: zp, x, energy: system.energy(x, m), logDetJ, grad: null, logCorrection: null };
  }
}

/** Runs the populations one after another in this thread. */
function runHere(
  flow: Flow,
  system: EnergySystem,
  inRegion: PopulationContext['inRegion'],
): PopulationRunner {
  return async (tasks, settings, onProgress, signal) => {
    const results: PopulationResult[] = [];
    for (let p = 0; p < tasks.length; p++) {
      results.push(
        await annealPopulation(flow, system, tasks[p], settings, {
          inRegion,
          onProgress: (f) => onProgress(p, f),
          signal,
        }),
      );
    }
    return results;
  };
}

const TARGET_ACCEPTANCE = { walk: 0.3, langevin: 0.57, hmc: 0.65 } as const;

/** The settings `options` ask for, with their defaults filled in and checked. */
export function populationSettings(options: AnnealOptions): PopulationSettings {
  if (!(options.levels >= 1 && Number.isInteger(options.levels))) {
    throw new Error(`annealing levels must be a positive integer, got ${options.levels}`);
  }
  const resampleBelow = options.resampleBelow ?? 0;
  if (!(resampleBelow >= 0 && resampleBelow <= 1)) {
    throw new Error(`resampleBelow must be an ESS fraction in [0, 1], got ${resampleBelow}`);
  }
  const cess = options.cess ?? 0;
  if (!(cess >= 0 && cess < 1)) throw new Error(`cess must be a fraction in (0, 1), got ${cess}`);
  const leapfrog = options.leapfrog ?? 10;
  if (!(leapfrog >= 1 && Number.isInteger(leapfrog))) {
    throw new Error(`leapfrog steps must be a positive integer, got ${leapfrog}`);
  }
  const proposal = options.proposal ?? 'walk';
  return {
    levels: options.levels,
    moves: options.moves ?? 1,
    proposal,
    leapfrog,
    cess,
    stepSize: options.stepSize ?? 0.1,
    // The optimal acceptance rates in high dimension: random walk and MALA (Roberts & Rosenthal
    // 2001), HMC (Beskos, Pillai, Roberts, Sanz-Serna & Stuart 2013).
    targetAcceptance: options.targetAcceptance ?? TARGET_ACCEPTANCE[proposal],
    resampleBelow,
  };
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
  const { dim } = start;
  const tau = options.temperature ?? start.temperature;
  if (!(tau > 0)) throw new Error(`annealing temperature must be positive, got ${tau}`);
  // The one-jump weights −u/τ_start − log q of a hotter start, retargeted to −u/τ − log q (a zero
  // weight, from an infinite or NaN energy, stays zero).
  const startLogWeights =
    tau === start.temperature
      ? start.logWeights
      : start.logWeights.map((w, i) =>
          Number.isFinite(w) ? w + start.energy[i] / start.temperature - start.energy[i] / tau : w,
        );
  const settings = populationSettings(options);
  const keepStates = options.keepStates ?? true;
  const startState = stateOf(system.reactionCoordinate.compute(start.x, start.n), system.states);
  // Outside the region: a group of its own (−2), picked like the others and then dropped.
  const OUTSIDE = -2;
  const marked = options.inRegion ? startState.slice() : startState;
  options.inRegion?.(start.x, start.n).forEach((inside, i) => {
    if (!inside) marked[i] = OUTSIDE;
  });
  const picked = pickWalkers(marked, options.walkersPerState ?? Infinity, options.rng);
  const pick = picked.pick.filter((j) => marked[j] !== OUTSIDE);
  const logFactor = picked.logFactor.filter((_, i) => marked[picked.pick[i]] !== OUTSIDE);
  const n = pick.length;

  // Resampled walkers move as whole populations (islands); otherwise populations only bound memory.
  const islandCount = Math.max(1, Math.min(n, Math.floor(options.islands ?? 4)));
  const size = settings.resampleBelow > 0 ? Math.ceil(n / islandCount) : Math.max(1, options.chunk ?? 2000);
  const tasks: PopulationTask[] = [];
  for (let c0 = 0; c0 < n; c0 += size) {
    const rowsOf = pick.subarray(c0, Math.min(n, c0 + size));
    const m = rowsOf.length;
    const rowsFrom = <T extends Float32Array | Float64Array>(src: T, out: T, width: number): T => {
      rowsOf.forEach((j, i) => out.set(src.subarray(j * width, (j + 1) * width), i * width));
      return out;
    };
    tasks.push({
      temperature: tau,
      dim,
      m,
      z: rowsFrom(start.z, new Float32Array(m * dim), dim),
      x: rowsFrom(start.x, new Float32Array(m * dim), dim),
      energy: rowsFrom(start.energy, new Float64Array(m), 1),
      startLogWeights: rowsFrom(startLogWeights, new Float64Array(m), 1),
      // The selection factor is part of the weight, never of the densities the moves compare.
      logWeights: logFactor.slice(c0, c0 + m),
      // Moves never change a walker's state under keepStates, so its start state is its state.
      state: keepStates ? Int32Array.from(rowsOf, (j) => startState[j]) : null,
      seed: options.rng.nextUint32(),
      ...(tau !== start.temperature && { latentTemperature: start.temperature }),
    });
  }

  const done = new Float64Array(tasks.length);
  const here = runHere(flow, system, options.inRegion);
  const results = await (options.runPopulations ?? here)(
    tasks,
    settings,
    (p, f) => {
      done[p] = f * tasks[p].m;
      options.onProgress?.(done.reduce((s, v) => s + v, 0) / n);
    },
    options.signal,
    here,
  );

  const z = new Float32Array(n * dim);
  const x = new Float32Array(n * dim);
  const energy = new Float64Array(n);
  const logWeights = new Float64Array(n);
  let offset = 0;
  for (const r of results) {
    z.set(r.z, offset * dim);
    x.set(r.x, offset * dim);
    energy.set(r.energy, offset);
    logWeights.set(r.logWeights, offset);
    offset += r.energy.length;
  }
  const accepted = results.reduce((s, r) => s + r.accepted, 0);
  const proposed = results.reduce((s, r) => s + r.proposed, 0);
  return {
    samples: {
      temperature: tau,
      n,
      dim,
      z,
      x,
      energy,
      logWeights,
      islands:
        settings.resampleBelow > 0 ? Int32Array.from({ length: n }, (_, i) => Math.floor(i / size)) : null,
    },
    acceptance: proposed ? accepted / proposed : 0,
    stepSize: results.at(-1)?.stepSize ?? settings.stepSize,
    resamplings: results.reduce((s, r) => s + r.resamplings, 0),
    levels: Math.max(0, ...results.map((r) => r.levels)),
  };
}
