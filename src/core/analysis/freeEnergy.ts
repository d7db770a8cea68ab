/**
 * Free energies from (weighted) samples of a reaction coordinate: the profile
 * F_k = −τ ln Σ_{x∈bin k} w(x), shifted so min F = 0, and ΔF = −τ ln(P_state1 / P_state0), both in
 * kT₀ (τ is the relative temperature), with bootstrap errors over samples (or over blocks of
 * correlated samples).
 */
import type { ProfileBin } from '../../shared/runspec.js';
import { indicesByKey } from '../groups.js';
import type { Rng } from '../random.js';
import type { StateDefinition } from '../systems/types.js';
import { binIndex, relativeWeights } from './histogram.js';
import { ProfileBootstrap } from './profileBootstrap.js';

/** A bin is dropped when its weight is worth fewer than this many average samples. */
export const MIN_BIN_SAMPLES = 0.01;

export interface ProfileOptions {
  bins: number;
  range: readonly [number, number];
  temperature: number;
  bootstrap: number;
  rng: Rng;
  /** Block id per sample when samples are correlated in blocks: the bootstrap draws whole blocks. */
  blocks?: ArrayLike<number> | null;
}

/** True when rc lies in the state: min ≤ rc < max (open ends when absent). */
export function inState(rc: number, state: StateDefinition): boolean {
  return (state.min === undefined || rc >= state.min) && (state.max === undefined || rc < state.max);
}

/** Index of the first state containing each rc value, −1 when none. */
export function stateOf(rc: ArrayLike<number>, states: readonly StateDefinition[]): Int32Array {
  const out = new Int32Array(rc.length).fill(-1);
  for (let i = 0; i < rc.length; i++) {
    for (let s = 0; s < states.length; s++) {
      if (inState(rc[i], states[s])) {
        out[i] = s;
        break;
      }
    }
  }
  return out;
}

/** −τ ln of per-bin weights, keeping only bins above the sample threshold, unshifted. */
function rawProfile(binWeights: Float64Array, meanWeight: number, temperature: number): Float64Array {
  const F = new Float64Array(binWeights.length);
  for (let k = 0; k < F.length; k++) {
    F[k] =
      binWeights[k] / meanWeight >= MIN_BIN_SAMPLES && binWeights[k] > 0
        ? -temperature * Math.log(binWeights[k])
        : NaN;
  }
  return F;
}

/**
 * One bootstrap draw of sample indices: n samples with replacement, or, when samples come in
 * correlated blocks (independent populations of resampled annealing walkers), whole blocks drawn
 * with replacement, so the spread between blocks is what the error measures.
 */
function resample(n: number, rng: Rng, blocks?: BlockIndex): Int32Array {
  if (!blocks) {
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    return idx;
  }
  const picked: Int32Array[] = [];
  for (let b = 0; b < blocks.length; b++) picked.push(blocks[rng.int(blocks.length)]);
  const idx = new Int32Array(picked.reduce((t, p) => t + p.length, 0));
  let o = 0;
  for (const p of picked) {
    idx.set(p, o);
    o += p.length;
  }
  return idx;
}

/** Members of each block, from a block id per sample. */
type BlockIndex = Int32Array[];

function blockIndex(blocks: ArrayLike<number> | null | undefined): BlockIndex | undefined {
  if (!blocks) return undefined;
  return [...indicesByKey(blocks).values()].map((m) => Int32Array.from(m));
}

export function freeEnergyProfile(
  rc: ArrayLike<number>,
  logWeights: ArrayLike<number> | null,
  opts: ProfileOptions,
): ProfileBin[] {
  const { bins, temperature, bootstrap, rng } = opts;
  const [lo, hi] = opts.range;
  const n = rc.length;
  if (n === 0) return [];
  const w = relativeWeights(logWeights, n);
  const bin = new Int32Array(n);
  for (let i = 0; i < n; i++) bin[i] = binIndex(rc[i], lo, hi, bins);

  const accumulate = (idx: Int32Array | null): { F: Float64Array } => {
    const bw = new Float64Array(bins);
    let total = 0;
    const len = idx ? idx.length : n;
    for (let j = 0; j < len; j++) {
      const i = idx ? idx[j] : j;
      total += w[i];
      if (bin[i] >= 0) bw[bin[i]] += w[i];
    }
    return { F: rawProfile(bw, total / len, temperature) };
  };

  const { F } = accumulate(null);
  let min = Infinity;
  for (let k = 0; k < bins; k++) if (F[k] < min) min = F[k];
  if (!Number.isFinite(min)) return [];
  for (let k = 0; k < bins; k++) F[k] -= min;

  const errors = new ProfileBootstrap(F);
  const blocks = blockIndex(opts.blocks);
  for (let b = 0; b < bootstrap; b++) errors.add(accumulate(resample(n, rng, blocks)).F);
  return errors.bins(lo, hi);
}

function stateDeltaF(
  state: Int32Array,
  w: Float64Array,
  temperature: number,
  idx: Int32Array | null,
): number {
  let p0 = 0;
  let p1 = 0;
  const len = idx ? idx.length : state.length;
  for (let j = 0; j < len; j++) {
    const i = idx ? idx[j] : j;
    if (state[i] === 0) p0 += w[i];
    else if (state[i] === 1) p1 += w[i];
  }
  return -temperature * Math.log(p1 / p0);
}

/**
 * ΔF = F(states[1]) − F(states[0]) = −τ ln(P1/P0) in kT₀, error = bootstrap std. When a state holds
 * no weight the value is ±Infinity (NaN when both are empty; the caller must report "not
 * sampled") and the error Infinity.
 */
export function deltaF(
  rc: ArrayLike<number>,
  logWeights: ArrayLike<number> | null,
  states: readonly [StateDefinition, StateDefinition],
  temperature: number,
  bootstrap: number,
  rng: Rng,
  /** Block id per sample (see ProfileOptions.blocks). */
  blocks?: ArrayLike<number> | null,
): { value: number; error: number } {
  const n = rc.length;
  const w = relativeWeights(logWeights, n);
  const state = stateOf(rc, states);
  const value = stateDeltaF(state, w, temperature, null);
  if (!Number.isFinite(value)) return { value, error: Infinity };
  let s = 0;
  let s2 = 0;
  let m = 0;
  const index = blockIndex(blocks);
  for (let b = 0; b < bootstrap; b++) {
    const v = stateDeltaF(state, w, temperature, resample(n, rng, index));
    if (!Number.isFinite(v)) continue;
    s += v;
    s2 += v * v;
    m++;
  }
  const mean = m > 0 ? s / m : 0;
  const error = m > 1 ? Math.sqrt(Math.max(0, (s2 - m * mean * mean) / (m - 1))) : 0;
  return { value, error };
}
