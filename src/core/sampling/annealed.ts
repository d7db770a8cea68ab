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
 * random walks or Langevin steps in z, where the trained flow has made the target close to an
 * isotropic Gaussian; walkers can be resampled (sequential Monte Carlo) and confined to a region.
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
import { createEnergyOp } from '../systems/tfEnergy.js';
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
  proposal?: 'walk' | 'langevin';
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
  /** Acceptance rate the step size is steered to (default 0.3 for walks, 0.57 for Langevin). */
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
  levels: number;
  moves: number;
  proposal: 'walk' | 'langevin';
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
}

/** What a population needs besides its walkers, and what it reports. */
export interface PopulationContext {
  inRegion?: (x: Float32Array, m: number) => Uint8Array;
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
}

/**
 * Runs independent populations, possibly in parallel (worker threads: see main/workers/annealPool),
 * reporting each one's progress by its index. The default runs them one after another here.
 */
export type PopulationRunner = (
  tasks: PopulationTask[],
  settings: PopulationSettings,
  onProgress: (index: number, fraction: number) => void,
  signal?: AbortSignal,
) => Promise<PopulationResult[]>;

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
  const { z: zc, x: xc, energy: uc, logWeights: lw } = task;
  const { levels, moves, resampleBelow, targetAcceptance: target } = settings;
  const rng = new Rng(task.seed);
  const energyOp = settings.proposal === 'langevin' ? createEnergyOp(system) : null;
  const beta = annealSchedule(levels);
  const stateOfX = (xs: Float32Array, count: number): Int32Array =>
    stateOf(system.reactionCoordinate.compute(xs, count), system.states);
  let width = settings.stepSize;
  let accepted = 0;
  let proposed = 0;
  let resamplings = 0;
  // log q_Z and log p_Z of the current states; the start's log weight is their difference.
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  logLatent(zc, m, dim, tau, a);
  for (let i = 0; i < m; i++) b[i] = task.startLogWeights[i] + a[i];
  const aProp = new Float64Array(m);
  const bProp = new Float64Array(m);
  const groups = resampleBelow > 0 ? walkerGroups(m, state) : [];
  // ∇ log p_Z of each walker's current state, for Langevin proposals.
  const grad = energyOp ? latentDensityGradient(flow, energyOp, tau, zc, m).grad : new Float32Array(0);
  const rows: WalkerRows = { dim, z: zc, x: xc, energy: uc, logQ: a, logP: b, grad: energyOp ? grad : null };

  for (let k = 1; k <= levels; k++) {
    const db = beta[k] - beta[k - 1];
    for (let i = 0; i < m; i++) lw[i] += db * (b[i] - a[i]);
    for (const group of groups) if (resampleGroup(group, lw, rows, resampleBelow, rng)) resamplings++;
    for (let s = 0; s < moves; s++) {
      const h = width * Math.sqrt(tau);
      const noise = rng.normals(m * dim, h);
      let zp: Float32Array;
      let xp: Float32Array;
      let up: Float64Array;
      let logDetJ: Float32Array;
      let gradProp: Float32Array | null = null;
      if (energyOp) {
        zp = langevinMean(zc, grad, beta[k], tau, h);
        for (let j = 0; j < zp.length; j++) zp[j] += noise[j];
        ({ x: xp, energy: up, logDetJ, grad: gradProp } = latentDensityGradient(flow, energyOp, tau, zp, m));
      } else {
        zp = noise;
        for (let j = 0; j < zp.length; j++) zp[j] += zc[j];
        ({ y: xp, logDetJ } = flow.mapValues('forward', zp, m));
        up = system.energy(xp, m);
      }
      logLatent(zp, m, dim, tau, aProp);
      logTarget(up, logDetJ, tau, bProp);
      // Langevin proposals are not symmetric: log q(z|z') − log q(z'|z) enters the acceptance.
      const back = gradProp ? langevinMean(zp, gradProp, beta[k], tau, h) : null;
      const stateProp = state ? stateOfX(xp, m) : null;
      const insideProp = context.inRegion?.(xp, m) ?? null;
      let acc = 0;
      for (let i = 0; i < m; i++) {
        if ((state && stateProp![i] !== state[i]) || (insideProp && !insideProp[i])) continue;
        let dLog = (1 - beta[k]) * (aProp[i] - a[i]) + beta[k] * (bProp[i] - b[i]);
        if (back) dLog += proposalLogRatio(zc, back, noise, i, dim, h);
        // A walker stuck at zero weight (b = −∞) takes any finite move; NaN never passes.
        if (!(dLog >= 0 || Math.log(rng.uniform()) < dLog)) continue;
        acc++;
        a[i] = aProp[i];
        b[i] = bProp[i];
        uc[i] = up[i];
        zc.set(zp.subarray(i * dim, (i + 1) * dim), i * dim);
        xc.set(xp.subarray(i * dim, (i + 1) * dim), i * dim);
        if (gradProp) grad.set(gradProp.subarray(i * dim, (i + 1) * dim), i * dim);
      }
      accepted += acc;
      proposed += m;
      // Steer the width from the whole population's acceptance (adaptive SMC practice: one scalar
      // shared by thousands of walkers, consistent as their number grows; Beskos et al. 2016).
      width *= Math.exp(acc / m - target);
    }
    context.onProgress?.(k / levels);
    throwIfAborted(context.signal);
    await yieldToEventLoop();
  }
  return { z: zc, x: xc, energy: uc, logWeights: lw, accepted, proposed, stepSize: width, resamplings };
}

/** Runs the populations one after another in this thread. */
function runHere(flow: Flow, system: EnergySystem, context: PopulationContext): PopulationRunner {
  return async (tasks, settings, onProgress, signal) => {
    const results: PopulationResult[] = [];
    for (let p = 0; p < tasks.length; p++) {
      results.push(
        await annealPopulation(flow, system, tasks[p], settings, {
          inRegion: context.inRegion,
          onProgress: (f) => onProgress(p, f),
          signal,
        }),
      );
    }
    return results;
  };
}

/** The settings `options` ask for, with their defaults filled in and checked. */
export function populationSettings(options: AnnealOptions): PopulationSettings {
  if (!(options.levels >= 1 && Number.isInteger(options.levels))) {
    throw new Error(`annealing levels must be a positive integer, got ${options.levels}`);
  }
  const resampleBelow = options.resampleBelow ?? 0;
  if (!(resampleBelow >= 0 && resampleBelow <= 1)) {
    throw new Error(`resampleBelow must be an ESS fraction in [0, 1], got ${resampleBelow}`);
  }
  const proposal = options.proposal ?? 'walk';
  return {
    levels: options.levels,
    moves: options.moves ?? 1,
    proposal,
    stepSize: options.stepSize ?? 0.1,
    // The optimal acceptance rates of the two proposals in high dimension (Roberts & Rosenthal 2001).
    targetAcceptance: options.targetAcceptance ?? (proposal === 'langevin' ? 0.57 : 0.3),
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
  const { dim, temperature: tau } = start;
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
      startLogWeights: rowsFrom(start.logWeights, new Float64Array(m), 1),
      // The selection factor is part of the weight, never of the densities the moves compare.
      logWeights: logFactor.slice(c0, c0 + m),
      // Moves never change a walker's state under keepStates, so its start state is its state.
      state: keepStates ? Int32Array.from(rowsOf, (j) => startState[j]) : null,
      seed: options.rng.nextUint32(),
    });
  }

  const done = new Float64Array(tasks.length);
  const run =
    options.runPopulations ?? runHere(flow, system, { inRegion: options.inRegion, signal: options.signal });
  const results = await run(
    tasks,
    settings,
    (p, f) => {
      done[p] = f * tasks[p].m;
      options.onProgress?.(done.reduce((s, v) => s + v, 0) / n);
    },
    options.signal,
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
  };
}
